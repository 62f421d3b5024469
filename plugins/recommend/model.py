"""The trained model as one immutable snapshot, and retraining that swaps it atomically.

Training (``train``) reads every interaction, keeps each user's latest opinion per item,
and fits each algorithm an experiment may ask for, in a worker thread. The result is a new
``Snapshot``; ``ModelHolder.retrain`` replaces the reference to the old one in a single
assignment on the event loop. A request takes the reference once at its start and uses
only that snapshot, so requests running during a retrain finish on the old model and the
ones after it get the new one: none sees half of each. Retrains never overlap (a lock).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from bot.events import utcnow
from plugins.recommend.algorithms import algorithm_for
from plugins.recommend.blend import Blend, BlendedModel, Parts
from plugins.recommend.config import RecommendConfig
from plugins.recommend.matrix import user_rows
from plugins.recommend.store import POSITIVE, Interaction
from plugins.recommend.timeline import TimedHistory
from plugins.recommend.tuning import Choice, configured_blend, fit_blended

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Opinion:
    """A user's latest interaction with one item."""

    item_id: int
    kind: str
    weight: float
    at: datetime

    @property
    def positive(self) -> bool:
        return self.kind in POSITIVE and self.weight > 0


def opinions(interactions: Iterable[Interaction]) -> dict[str, list[Opinion]]:
    """Per user, the latest interaction per item, oldest first (input: oldest first)."""
    latest: dict[str, dict[int, Opinion]] = {}
    for event in interactions:
        per_user = latest.setdefault(event.user, {})
        per_user.pop(event.item_id, None)  # re-inserted last: dicts keep insertion order
        per_user[event.item_id] = Opinion(event.item_id, event.kind, event.weight, event.at)
    return {user: list(items.values()) for user, items in latest.items()}


@dataclass(frozen=True, slots=True)
class Snapshot:
    version: int
    trained_at: datetime | None
    item_ids: tuple[int, ...]  # column → item id
    models: Mapping[str, BlendedModel]
    popularity: NDArray[np.float32]  # users with a positive opinion, per column
    n_users: int = 0
    n_interactions: int = 0
    train_seconds: float = 0.0
    columns: Mapping[int, int] = field(default_factory=dict)  # item id → column
    choices: Mapping[str, Choice] = field(default_factory=dict)  # each model's blend

    def row(self, history: Sequence[Opinion]) -> TimedHistory:
        """A user's positive opinions as (column, weight, time), oldest first; items the
        model never saw (added after training) are left out."""
        return [
            (self.columns[o.item_id], o.weight, o.at.timestamp())
            for o in history
            if o.positive and o.item_id in self.columns
        ]

    def parts(self, algorithm: str, history: Sequence[Opinion], now: datetime | None = None
              ) -> Parts | None:  # fmt: skip
        """Every column's score for this user in its two parts: the model's, computed from
        the user's current row (the fold-in happens here), and popularity in the time up to
        ``now`` (default: the request's time; the latest trained interactions when ``now``
        is later). None when the algorithm was not trained or the user has no history."""
        model = self.models.get(algorithm)
        row = self.row(history)
        if model is None or not row:
            return None
        parts = model.parts([row], at=(now or utcnow()).timestamp())
        return Parts(parts.model[0], parts.trend[0], parts.weight)

    def scores(self, algorithm: str, history: Sequence[Opinion], now: datetime | None = None
               ) -> NDArray[np.float32] | None:  # fmt: skip
        parts = self.parts(algorithm, history, now)
        return None if parts is None else parts.total

    def item_scores(self, algorithm: str, item_id: int) -> NDArray[np.float32] | None:
        """What the model predicts for someone who met only this item (item-to-item: no
        recent popularity, no recency), or None without a model or the item in it."""
        model = self.models.get(algorithm)
        if model is None or item_id not in self.columns:
            return None
        alone = user_rows([[(self.columns[item_id], 1.0, 0.0)]], len(self.item_ids), 0)
        scores: NDArray[np.float32] = model.model.score(alone)[0]
        return scores


def empty_snapshot() -> Snapshot:
    return Snapshot(0, None, (), {}, np.zeros(0, dtype=np.float32))


def train(
    interactions: Sequence[Interaction],
    item_ids: Sequence[int],
    config: RecommendConfig,
    algorithms: Iterable[str],
    version: int,
) -> Snapshot:
    """Fit every algorithm in ``algorithms`` on all interactions (blocking: run in a thread)."""
    started = time.perf_counter()
    columns = {item_id: column for column, item_id in enumerate(item_ids)}
    by_user = opinions(e for e in interactions if e.item_id in columns)
    histories: list[TimedHistory] = [
        [(columns[o.item_id], o.weight, o.at.timestamp()) for o in history if o.positive]
        for history in by_user.values()
    ]
    histories = [h for h in histories if h]
    # The model learns from plain histories; recency weighting and recent popularity apply
    # when a user is scored (measured better: bench/README.md).
    matrix = user_rows(histories, len(item_ids), half_life=0)
    popularity = np.asarray((matrix > 0).sum(axis=0), dtype=np.float32).ravel()
    models: dict[str, BlendedModel] = {}
    choices: dict[str, Choice] = {}
    if matrix.nnz:
        for name in dict.fromkeys(algorithms):
            algorithm = algorithm_for(name, config, len(item_ids))
            # Popularity has nothing to blend: it is the cold-start ranking itself.
            blended = name != "popularity"
            try:
                models[name], choices[name] = fit_blended(
                    algorithm, histories, len(item_ids),
                    defaults=configured_blend(config) if blended else Blend(trend_weight=0),
                    tune=config.tune_blend and blended,
                )  # fmt: skip
            except Exception:
                log.exception("recommend: training %s failed; it is left out", name)
    seconds = time.perf_counter() - started
    return Snapshot(
        version=version,
        trained_at=utcnow(),
        item_ids=tuple(item_ids),
        models=models,
        popularity=popularity,
        n_users=len(histories),
        n_interactions=int(matrix.nnz),
        train_seconds=seconds,
        columns=columns,
        choices=choices,
    )


Loader = Callable[[], Awaitable[tuple[list[Interaction], list[int]]]]


class ModelHolder:
    """The current snapshot; ``retrain`` builds a new one off the loop and swaps it in."""

    def __init__(self, config: RecommendConfig, algorithms: Sequence[str]) -> None:
        self.config = config
        self.algorithms = tuple(algorithms)
        self._current = empty_snapshot()
        self._lock = asyncio.Lock()

    @property
    def current(self) -> Snapshot:
        return self._current

    async def retrain(self, load: Loader) -> Snapshot:
        """Train on what ``load`` returns (interactions, catalog item ids) and swap."""
        async with self._lock:
            interactions, item_ids = await load()
            version = self._current.version + 1
            snapshot = await asyncio.to_thread(
                train, interactions, item_ids, self.config, self.algorithms, version
            )
            self._current = snapshot  # the swap: one reference assignment on the loop
            log.info(
                "recommend: model v%d trained on %d interactions of %d users, %d items, "
                "%.2f s (%s)",
                snapshot.version, snapshot.n_interactions, snapshot.n_users,
                len(snapshot.item_ids), snapshot.train_seconds,
                ", ".join(snapshot.models) or "no model yet",
            )  # fmt: skip
            return snapshot
