"""Reading a request: titles the tagger cut short or split, type and genre words found in
the text, a genre word inside a title, fuzzy and inflected titles, genres and types."""

from __future__ import annotations

import pytest

from bot.nlu import SlotValue
from plugins.recommend.catalog import Catalog
from plugins.recommend.service import demo_items
from plugins.recommend.slots import read_request
from plugins.recommend.store import Item, NewItem
from plugins.recommend.vocabulary import canonical_kind, find_genre, find_kind, split_genres


def _item(number: int, new: NewItem) -> Item:
    return Item(number, new.external_id, new.kind, new.title, new.title_ru, new.genres,
                new.year, new.description, new.language, None)  # fmt: skip


CATALOG = Catalog.build([_item(n, new) for n, new in enumerate(demo_items(), start=1)])


def _slot(text: str, part: str, value: object = None) -> SlotValue:
    start = text.index(part)
    return SlotValue(part, part if value is None else value, start, start + len(part))


def test_a_title_with_a_genre_word_in_it() -> None:
    text = "something like War of the Worlds"
    slots = {"genre": _slot(text, "War", "war"), "like": _slot(text, "of the Worlds")}
    asked = read_request(text, slots, CATALOG, kind=None, genre="war", like="of the Worlds")
    assert asked.like is not None and asked.like.external_id == "b021"
    assert asked.genre is None  # "War" was the title's


def test_a_title_cut_short_and_one_followed_by_more_words() -> None:
    text = "какую книгу почитать как Мастер и Маргарита"
    asked = read_request(
        text, {"kind": _slot(text, "книгу", "book"), "like": _slot(text, "Мастер")},
        CATALOG, kind="book", genre=None, like="Мастер",
    )  # fmt: skip
    assert asked.like is not None and asked.like.external_id == "b030"
    assert asked.kind == "book"
    text = "recommend something like Dune, please"
    asked = read_request(
        text, {"like": _slot(text, "Dune, please")}, CATALOG, kind=None, genre=None,
        like="Dune, please",
    )  # fmt: skip
    assert asked.like is not None and asked.like.title == "Dune"


def test_without_slots_the_type_and_genre_come_from_the_text() -> None:
    asked = read_request(
        "recommend me a sci-fi book like Dune", {}, CATALOG, kind=None, genre=None, like=None
    )
    assert (asked.kind, asked.genre, asked.like) == ("book", "sci-fi", None)


def test_an_unknown_title_is_reported_as_written() -> None:
    text = "something like Zzyzx Road Trip"
    asked = read_request(
        text, {"like": _slot(text, "Zzyzx Road Trip")}, CATALOG, kind=None, genre=None,
        like="Zzyzx Road Trip",
    )  # fmt: skip
    assert asked.like is None and asked.like_text == "Zzyzx Road Trip"


@pytest.mark.parametrize(
    ("title", "kind", "external"),
    [("Дюну", "book", "b001"), ("Дюну", "film", "f015"), ("Матрицу", None, "f001"),
     ("interstelar", None, "f002"), ("Гарри Поттера", "book", "b025"),
     ("Властелина колец", "film", "f028"), ("the godfather", "book", "b072")],
)  # fmt: skip
def test_titles_fuzzy_inflected_and_by_their_first_words(
    title: str, kind: str | None, external: str
) -> None:
    found = CATALOG.find(title, kind)
    assert found is not None and found.external_id == external


def test_nothing_close_is_no_title() -> None:
    assert CATALOG.find("дом") is None
    assert CATALOG.find("the") is None


def test_genre_and_type_words_in_both_languages() -> None:
    assert split_genres("Science Fiction, Horror|фантастика;комедию") == (
        "sci-fi", "horror", "comedy",
    )  # fmt: skip
    assert split_genres("Slow Cinema") == ("slow cinema",)  # unknown genres are kept
    assert [canonical_kind(k) for k in ("Movie", "книга", "Podcast")] == [
        "film",
        "book",
        "podcast",
    ]
    assert find_kind("посоветуй фантастическую книгу") == "book"
    assert find_genre("посоветуй фантастическую книгу") == "sci-fi"
    assert find_kind("what should I watch tonight") == "film"
    assert find_genre("what should I watch tonight") is None
