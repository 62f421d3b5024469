"""A user's scores: the model's, blended with what was popular when the user was last active.

    score = model / its best + weight × log(1 + recent count) / its best

Each part is scaled to the user's best item they have not met yet, so the weight means the
same on every data set. The model scores the user's recency-weighted row (``half_life``);
the recent count of an item is how many interactions it had in the ``window`` (a share of
the whole timeline) before the user's newest interaction. Which settings suit a data set is
chosen at training on held-out interactions (``tuning.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from plugins.recommend.algorithms.base import FittedModel, Scores
from plugins.recommend.matrix import user_rows
from plugins.recommend.timeline import TimedHistory, Timeline


@dataclass(frozen=True, slots=True)
class Blend:
    half_life: float = 20.0
    """A user's interactions count half as much every this many back (0: all alike)."""
    trend_weight: float = 0.25
    """What the most recently popular item is worth against the model's best (0: off)."""
    trend_window: float = 0.02
    """How far back "recently" reaches, as a share of the timeline's span."""


@dataclass(frozen=True, slots=True)
class Parts:
    """Both parts of every user's scores, each scaled to the user's best unmet item."""

    model: Scores
    trend: Scores
    weight: float

    @property
    def total(self) -> Scores:
        if self.weight == 0:
            return self.model
        total: Scores = self.model + np.float32(self.weight) * self.trend
        return total


@dataclass(frozen=True, slots=True)
class BlendedModel:
    model: FittedModel
    timeline: Timeline
    blend: Blend

    @property
    def n_items(self) -> int:
        return self.model.n_items

    def parts(self, histories: Sequence[TimedHistory], at: float | None = None) -> Parts:
        """Both parts for each history. Recent popularity is counted up to ``at`` (seconds),
        kept within the training timeline; without it, up to each user's newest interaction
        (what the benchmark and the tuning can know about "now" for a held-out interaction).
        """
        rows = user_rows(histories, self.n_items, self.blend.half_life)
        model = scaled(self.model.score(rows), rows)
        if self.blend.trend_weight == 0:
            return Parts(model, np.zeros_like(model), 0.0)
        if at is not None:
            end = float(self.timeline.times[-1]) if self.timeline.times.size else at
            anchors = np.full(len(histories), min(at, end))
        else:
            anchors = np.array([max((t for _, _, t in h), default=0.0) for h in histories])
        trend = scaled(self.trend_counts(anchors, self.blend.trend_window), rows)
        return Parts(model, trend, self.blend.trend_weight)

    def trend_counts(self, anchors: NDArray[np.float64], window: float) -> Scores:
        counts = self.timeline.recent_counts(anchors, window * self.timeline.span)
        logged: Scores = np.log1p(counts)
        return logged


def scaled(scores: Scores, rows: sp.csr_matrix) -> Scores:
    """Each row divided by its best value among the items not in that user's row; a row
    with no positive value there becomes zeros (it says nothing about this user)."""
    masked = np.array(scores, dtype=np.float32, copy=True)
    users, items = rows.nonzero()
    masked[users, items] = -np.inf
    if not masked.shape[1]:
        return masked
    best = masked.max(axis=1, keepdims=True)
    factor = np.divide(1.0, best, out=np.zeros_like(best), where=best > 0)
    out: Scores = np.multiply(scores, factor, dtype=np.float32)
    return out
