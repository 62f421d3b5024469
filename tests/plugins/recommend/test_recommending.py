"""Recommendations from the SQL store through the service: a new user's likes change the
list at once (fold-in), met items never come back, cold start, new items by content,
"more like X", and recommendations for every algorithm an experiment may pick."""

from __future__ import annotations

import pytest

from bot.storage import Database
from plugins.recommend.algorithms import ALGORITHMS
from plugins.recommend.ranking import Pick, Request
from plugins.recommend.service import RecommendService
from tests.plugins.recommend.samples import item_id, loaded_service, make_service

NEW_USER = 1001


def _ids(service: RecommendService, external: list[str]) -> list[int]:
    known = {item.external_id: item.id for item in service.catalog.items}
    return [known[e] for e in external]


def _external(picks: list[Pick]) -> list[str]:
    return [p.item.external_id for p in picks]


@pytest.mark.parametrize("algorithm", ["ease", "ials"])
async def test_two_likes_change_a_new_users_list_at_once(
    database: Database, algorithm: str
) -> None:
    service = await loaded_service(database, ials_factors=4)
    request = Request(count=6)
    before = await service.picks(NEW_USER, request, algorithm)
    version = service.snapshot.version
    for liked in _ids(service, [item_id("horror", 0), item_id("horror", 1)]):
        await service.press(NEW_USER, liked, "like")
    after = await service.picks(NEW_USER, request, algorithm)
    assert service.snapshot.version == version  # no retrain: the fold-in did it
    assert _external(after) != _external(before)
    horror = [p for p in after if "horror" in p.item.genres]
    assert len(horror) >= 4, _external(after)  # the liked cluster leads, diversity aside
    assert {p.reason for p in horror} <= {"reason_liked", "reason_new_similar"}
    assert all(p.because is not None and "horror" in p.because.genres for p in horror)


async def test_seen_and_disliked_items_never_come_back(database: Database) -> None:
    service = await loaded_service(database)
    everything = Request(count=20, genres=("comedy",))
    first = await service.picks(NEW_USER, everything, "ease")
    assert len(first) == 10  # the whole genre
    seen, disliked, liked = first[0].item, first[1].item, first[2].item
    await service.press(NEW_USER, seen.id, "seen")
    await service.press(NEW_USER, disliked.id, "like")
    await service.press(NEW_USER, disliked.id, "dislike")  # the latest press is the opinion
    await service.press(NEW_USER, liked.id, "like")
    for snapshot_round in range(2):
        for algorithm in ALGORITHMS:
            again = await service.picks(NEW_USER, everything, algorithm)
            met = {seen.id, disliked.id, liked.id}
            assert not met & {p.item.id for p in again}, (algorithm, snapshot_round)
            assert len(again) == 7
        await service.retrain()  # and after the model has learnt the presses


async def test_cold_start_answers_with_zero_interactions(database: Database) -> None:
    service = make_service(database)
    from tests.plugins.recommend.samples import catalog_csv

    await service.import_file(catalog_csv())
    snapshot = await service.retrain()
    assert snapshot.models == {} and snapshot.n_interactions == 0
    assert await service.needs_onboarding(NEW_USER)
    await service.store.set_tastes(NEW_USER, ("romance",))
    assert not await service.needs_onboarding(NEW_USER)
    picks = await service.picks(NEW_USER, Request(count=4, kind="film"), "ease")
    assert len(picks) == 4
    assert all(p.item.kind == "film" and "romance" in p.item.genres for p in picks)
    assert {p.reason for p in picks} == {"reason_taste"}
    # Any taste at all ("Anything"): still a list.
    await service.store.set_tastes(NEW_USER, ())
    assert len(await service.picks(NEW_USER, Request(count=3), "ease")) == 3


async def test_cold_start_is_popularity_within_the_chosen_genre(database: Database) -> None:
    service = await loaded_service(database)
    await service.store.set_tastes(NEW_USER, ("sci-fi",))
    picks = await service.picks(NEW_USER, Request(count=3), "ease")
    # The sample histories favour the low-numbered items of every genre.
    assert all("sci-fi" in p.item.genres for p in picks)
    assert {p.reason for p in picks} == {"reason_popular_genre"}
    popularity = service.snapshot.popularity
    columns = service.snapshot.columns
    shown = sorted(popularity[columns[p.item.id]] for p in picks)
    others = [
        popularity[columns[i.id]]
        for i in service.catalog.items
        if "sci-fi" in i.genres and i.id not in {p.item.id for p in picks}
    ]
    assert shown[0] >= sorted(others)[len(others) // 2]  # from the popular half


async def test_new_items_reach_users_through_content(database: Database) -> None:
    service = await loaded_service(database, embed=True)
    for liked in _ids(service, [item_id("horror", 0), item_id("horror", 2)]):
        await service.press(NEW_USER, liked, "like")
    # An item added after training, with no interactions: only its text can place it.
    await service.import_file(
        b"id,title,type,genres,description\n"
        b"new-1,Horror Story Returns,film,horror,a horror story number 99 returns\n"
    )
    await service.embed_missing()
    picks = await service.picks(NEW_USER, Request(count=5), "ease")
    new = [p for p in picks if p.item.external_id == "new-1"]
    assert new, _external(picks)
    assert new[0].reason == "reason_new_similar" and new[0].because is not None


async def test_more_like_an_item(database: Database) -> None:
    service = await loaded_service(database)
    dune = service.catalog.find("Sci-Fi Story 0")
    assert dune is not None and dune.external_id == item_id("sci-fi", 0)
    picks = await service.picks(NEW_USER, Request(like=dune, count=4), "ease")
    assert dune.id not in {p.item.id for p in picks}
    assert all("sci-fi" in p.item.genres and p.reason == "reason_similar" for p in picks)
    assert all(p.because == dune for p in picks)


async def test_the_popularity_algorithm_ignores_history(database: Database) -> None:
    service = await loaded_service(database)
    for liked in _ids(service, [item_id("horror", 0), item_id("horror", 1)]):
        await service.press(NEW_USER, liked, "like")
    picks = await service.picks(NEW_USER, Request(count=4), "popularity")
    assert {p.reason for p in picks} <= {"reason_popular", "reason_popular_genre"}
    assert not {item_id("horror", 0), item_id("horror", 1)} & set(_external(picks))


async def test_an_item_everyone_takes_up_lately_comes_first_and_says_so(
    database: Database,
) -> None:
    service = await loaded_service(database, trend_weight=3.0, tune_blend=False)
    # The least popular horror item suddenly liked by twenty people, after everything else.
    hype = item_id("horror", 9)
    lines = ["user,item,rating,timestamp"]
    lines += [f"hype-{u},{hype},5,{1_700_000_100 + u}" for u in range(20)]
    await service.import_file(("\n".join(lines) + "\n").encode())
    snapshot = await service.retrain()
    assert snapshot.choices["ease"].blend.trend_weight == 3.0
    liked = next(i for i in service.catalog.items if i.external_id == item_id("sci-fi", 0))
    await service.press(NEW_USER, liked.id, "like")
    picks = await service.picks(NEW_USER, Request(count=5), "ease")
    assert picks[0].item.external_id == hype and picks[0].reason == "reason_trending"
    assert {p.reason for p in picks[1:]} <= {"reason_liked", "reason_similar"}
