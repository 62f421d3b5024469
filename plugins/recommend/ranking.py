"""One user's list: candidates, relevance with a reason for each, diversity, exclusions.

Three ways to relevance, chosen by what is known:
- **more like X** (the request names an item): the model's item-to-item weights of X,
  blended with content similarity; an item with little history leans on content;
- **personal** (the user has liked or seen something): the model scores the user's current
  row (the fold-in), blended per item with content similarity to what they liked, by how much
  history the item has: an item nobody has met yet is ranked by content alone;
- **cold start** (nothing yet, or the "popularity" algorithm): popularity within the genres
  the user chose when asked or named in the request.
Items the user has already met (liked, disliked, seen) are never candidates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
from numpy.typing import NDArray

from plugins.recommend.catalog import Catalog, genre_similarity
from plugins.recommend.diversity import rerank
from plugins.recommend.model import Opinion, Snapshot
from plugins.recommend.store import Item

WARM_USERS = 5
"""Items with this many users are ranked by the model alone; fewer blend in content."""
POOL_FACTOR = 4
NEWCOMER_SIMILARITY = 0.5
"""Least content similarity for an unmet item to take a list's last place."""
CONTENT_WEIGHT = 0.5
"""What a perfect content match is worth against the model's best pick: text and genres
say less about taste than what people did, so a new item enters a list only when it is
close to what the user liked."""
"""Candidates re-ranked for diversity per list place."""


@dataclass(frozen=True, slots=True)
class Request:
    kind: str | None = None
    genres: tuple[str, ...] = ()
    like: Item | None = None
    count: int = 5


@dataclass(frozen=True, slots=True)
class Pick:
    item: Item
    reason: str  # a locale key: reason_liked, reason_similar, reason_popular_genre, ...
    because: Item | None = None  # the item the reason names
    genre: str | None = None  # the genre the reason names


@dataclass(frozen=True, slots=True)
class _Scored:
    item: Item
    score: float
    explain: Callable[[], Pick]
    """Made only for the items shown: finding the reason costs a model look-up each."""
    newcomer: float = 0.0
    """For an item nobody has met yet: its content similarity to what the user liked."""


def recommend(
    *,
    snapshot: Snapshot,
    catalog: Catalog,
    history: Sequence[Opinion],
    tastes: Sequence[str],
    request: Request,
    algorithm: str,
    diversity: float,
    user_id: int,
) -> list[Pick]:
    met = {o.item_id for o in history}
    if request.like is not None:
        met.add(request.like.id)
    candidates = [
        item
        for item in catalog.items
        if item.id not in met
        and request.kind in (None, item.kind)
        and (not request.genres or set(request.genres) & set(item.genres))
    ]
    if not candidates:
        return []
    liked = [o for o in history if o.positive and o.item_id in catalog.by_id]
    if request.like is not None:
        scored = _more_like(request.like, candidates, snapshot, catalog, algorithm)
    elif liked and algorithm != "popularity":
        scored = _personal(liked, candidates, snapshot, catalog, algorithm)
    else:
        scored = _cold(candidates, snapshot, tastes or request.genres, request.genres)
    return _with_newcomer(_top(scored, request.count, diversity, user_id), scored)


def _tiebreak(user_id: int, item_id: int) -> float:
    """A small per-user, per-item constant: equal scores (a new catalog nobody has rated)
    are ordered differently for different users, and the same way every time for one."""
    digest = hashlib.blake2b(f"{user_id}:{item_id}".encode(), digest_size=4).digest()
    return int.from_bytes(digest) / 2**32 * 1e-6


def _top(scored: list[_Scored], count: int, diversity: float, user_id: int) -> list[Pick]:
    ordered = sorted(scored, key=lambda s: s.score + _tiebreak(user_id, s.item.id), reverse=True)
    pool = ordered[: count * POOL_FACTOR]
    chosen = rerank(
        list(range(len(pool))),
        [s.score for s in pool],
        lambda a, b: genre_similarity(pool[a].item, pool[b].item),
        count,
        diversity,
    )
    return [pool[i].explain() for i in chosen]


def _with_newcomer(picks: list[Pick], scored: Sequence[_Scored]) -> list[Pick]:
    """Keep the last place for the best item nobody has met yet, when it is close enough to
    what the user liked: without a first audience it could never earn a collaborative score.
    """
    best = max(scored, key=lambda s: s.newcomer, default=None)
    if best is None or best.newcomer < NEWCOMER_SIMILARITY or len(picks) < 2:
        return picks
    shown = {p.item.id for p in picks}
    if any(s.newcomer >= NEWCOMER_SIMILARITY and s.item.id in shown for s in scored):
        return picks
    return [*picks[:-1], best.explain()]


@dataclass(frozen=True, slots=True)
class _Columns:
    """Where each of some items sits among the model's columns (−1: added since training),
    looked up once per list and then used for every per-column array."""

    index: NDArray[np.int64]

    @classmethod
    def of(cls, snapshot: Snapshot, items: Sequence[Item]) -> _Columns:
        return cls(np.array([snapshot.columns.get(i.id, -1) for i in items], dtype=np.int64))

    def values(self, per_column: NDArray[np.float32] | None) -> NDArray[np.float64]:
        """Each item's value in ``per_column``; 0 for an item without a column (or array)."""
        out = np.zeros(len(self.index))
        known = self.index >= 0
        if per_column is not None:
            out[known] = per_column[self.index[known]]
        return out

    def warmth(self, snapshot: Snapshot) -> NDArray[np.float64]:
        """0 for an item the model has no history of, 1 from ``WARM_USERS`` users on."""
        warmth: NDArray[np.float64] = np.minimum(self.values(snapshot.popularity) / WARM_USERS, 1)
        return warmth


def _normalised(values: NDArray[np.float64]) -> NDArray[np.float64]:
    top = float(values.max()) if values.size else 0.0
    return np.clip(values / top, 0.0, 1.0) if top > 0 else np.zeros_like(values)


def _personal(
    liked: Sequence[Opinion],
    candidates: Sequence[Item],
    snapshot: Snapshot,
    catalog: Catalog,
    algorithm: str,
) -> list[_Scored]:
    model = snapshot.models.get(algorithm)
    parts = snapshot.parts(algorithm, liked)
    columns = _Columns.of(snapshot, candidates)
    collab = _normalised(columns.values(None if parts is None else parts.total))
    # Where recent popularity, not the user's own history, put an item up: said so.
    trending = (
        parts.weight * columns.values(parts.trend) > columns.values(parts.model)
        if parts is not None and parts.weight > 0
        else np.zeros(len(candidates), dtype=bool)
    )
    content, closest = catalog.content_similarity(
        [o.item_id for o in liked], [c.id for c in candidates]
    )
    warmth = columns.warmth(snapshot)
    content = CONTENT_WEIGHT * content
    relevance = warmth * collab + (1 - warmth) * content
    kinds = {o.item_id: o.kind for o in liked}
    in_model = [o for o in liked if o.item_id in snapshot.columns]

    def explain(i: int) -> Pick:
        item = candidates[i]
        because: Item | None
        if (
            model is not None
            and in_model
            and warmth[i] * collab[i] >= (1 - warmth[i]) * content[i]
        ):
            if trending[i]:
                return Pick(item, "reason_trending")
            # The liked item that pushed this one up most, in the model's eyes.
            similar = model.model.similar(snapshot.columns[item.id])
            source = max(
                in_model, key=lambda o: o.weight * float(similar[snapshot.columns[o.item_id]])
            )
            because = catalog.by_id[source.item_id]
        else:
            source_id = closest[i]
            because = catalog.by_id[source_id] if source_id is not None else None
        if because is None:
            return Pick(item, "reason_popular")
        if item.id not in snapshot.columns:  # added since the model was trained
            return Pick(item, "reason_new_similar", because)
        if warmth[i] == 0:  # nobody has met it yet: only its content placed it
            return Pick(item, "reason_similar", because)
        key = "reason_seen" if kinds.get(because.id) == "seen" else "reason_liked"
        return Pick(item, key, because)

    return [
        _Scored(
            item,
            float(relevance[i]),
            partial(explain, i),
            newcomer=float(content[i]) / CONTENT_WEIGHT if warmth[i] == 0 else 0.0,
        )
        for i, item in enumerate(candidates)
    ]


def _more_like(
    like: Item,
    candidates: Sequence[Item],
    snapshot: Snapshot,
    catalog: Catalog,
    algorithm: str,
) -> list[_Scored]:
    # What the model predicts for someone who liked only X: EASE's row of X, iALS's fold-in.
    columns = _Columns.of(snapshot, candidates)
    collab = np.zeros(len(candidates))
    if algorithm != "popularity":
        collab = _normalised(columns.values(snapshot.item_scores(algorithm, like.id)))
    warm_like = float(_Columns.of(snapshot, [like]).warmth(snapshot)[0])
    content, _ = catalog.content_similarity([like.id], [c.id for c in candidates])
    genres = np.array([genre_similarity(like, c) for c in candidates])
    # Both ends need history for the model's word to count; genres keep content honest
    # when titles alone embed close ("Dune" the book and "Dune" the film are not the point).
    warmth = columns.warmth(snapshot) * warm_like
    relevance = warmth * collab + (1 - warmth) * (0.6 * content + 0.4 * genres)
    pick = partial(Pick, reason="reason_similar", because=like)
    return [
        _Scored(item, float(relevance[i]), partial(pick, item))
        for i, item in enumerate(candidates)
    ]


def _cold(
    candidates: Sequence[Item],
    snapshot: Snapshot,
    tastes: Sequence[str],
    requested: Sequence[str],
) -> list[_Scored]:
    taste = set(tastes)
    matching = [c for c in candidates if taste & set(c.genres)] if taste else []
    pool = matching or list(candidates)
    users = _Columns.of(snapshot, pool).values(snapshot.popularity)
    out: list[_Scored] = []
    for item, count in zip(pool, users, strict=True):
        genre = next((g for g in item.genres if g in taste), None) if matching else None
        if genre is not None and count > 0:
            pick = Pick(item, "reason_popular_genre", genre=genre)
        elif genre is not None:
            key = "reason_requested_genre" if genre in requested else "reason_taste"
            pick = Pick(item, key, genre=genre)
        elif count > 0:
            pick = Pick(item, "reason_popular")
        else:
            pick = Pick(item, "reason_catalog")
        out.append(_Scored(item, float(np.log1p(count)), _already(pick)))
    return out


def _already(pick: Pick) -> Callable[[], Pick]:
    """A reason known up front (cold start): nothing to look up."""
    return lambda: pick
