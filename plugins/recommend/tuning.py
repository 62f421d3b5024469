"""Choosing the blend's settings for the data at hand, at every training, on held-out data.

Why not fixed settings: how much "what was popular lately" and "what the user did lately"
matter differs from one catalog to the next (films with weekly releases, a library's books,
imported ratings spanning years). It is measured the way the benchmark measures the whole
model: a sample of users' newest interactions is held out, the algorithm is fitted on the
rest, and the held-out items are ranked with each setting of a small grid (coordinate
search: the weight and window of recent popularity first, then the half-life). A setting
replaces the configured one only when its nDCG@10 is clearly better (``CLEAR_GAIN``). The
grid includes "no recent popularity", so data where it does not help get none. The cost is
one more fit on slightly less data (for EASE, from an updated Gram matrix) plus re-scoring;
the benchmark counts it as training time.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from plugins.recommend.algorithms import Algorithm, FittedModel
from plugins.recommend.algorithms.base import as_float32
from plugins.recommend.algorithms.ease import Ease, gram_of
from plugins.recommend.blend import Blend, BlendedModel, scaled
from plugins.recommend.config import RecommendConfig
from plugins.recommend.matrix import Flat
from plugins.recommend.timeline import TimedHistory, Timeline

log = logging.getLogger(__name__)

HALF_LIVES = (20.0, 10.0)
WINDOWS = (0.02, 0.005)
WEIGHTS = (0.25, 0.0, 0.1, 0.5, 1.0, 2.0)
"""The grid the settings are chosen from."""
CLEAR_GAIN = 2.7
"""Settings other than the configured ones are taken only when their gain over them is at
least this many standard errors (paired, over the held-out cases). With a thousand users
most differences are noise, and chasing noise loses on new data. The search compares about
13 settings with the configured ones: 2.7 standard errors keep the chance that any of them
wins by noise alone near 5 % (Bonferroni: one-sided 0.05 / 13)."""
HELD_OUT = 3
"""Each sampled user's newest interactions held out: three cases per user make the
choice less noisy than one, for one fit."""
MIN_USERS = 30
"""Fewer users with a held-out interaction than this: too noisy to choose, keep defaults."""
MAX_CELLS = 3_500_000
"""Held-out cases × catalog items scored at most (users are a fixed random sample): about
2,000 cases on 1,700 items, enough to tell clear differences apart in about the fit's time."""
TOP_K = 10


@dataclass(frozen=True, slots=True)
class Choice:
    blend: Blend
    ndcg: float  # nDCG@10 on the held-out interactions with the chosen settings
    default_ndcg: float  # ... and with the defaults
    cases: int  # held-out interactions scored (0: not tuned, defaults kept)


def configured_blend(config: RecommendConfig) -> Blend:
    return Blend(config.recency_half_life, config.trend_weight, config.trend_window)


def fit_blended(
    algorithm: Algorithm,
    histories: Sequence[TimedHistory],
    n_items: int,
    *,
    defaults: Blend,
    tune: bool,
) -> tuple[BlendedModel, Choice]:
    """Fit ``algorithm`` on every history, with blend settings chosen on held-out data when
    ``tune`` (and the data are big enough), else ``defaults``."""
    flat = Flat.of(histories)
    fitter = _Fitter(algorithm, flat.rows(n_items, 0))
    choice = choose(algorithm, flat, n_items, defaults, fitter) if tune else None
    model = fitter.full()
    choice = choice or _untuned(defaults)
    return BlendedModel(model, Timeline.of(flat, n_items), choice.blend), choice


class _Fitter:
    """Fits the algorithm on all rows, and on the rows less the held-out interactions.

    EASE's cost is in XᵀX and its inverse. The held-out rows differ from all rows in a few
    thousand cells, so their Gram matrix is all rows' one less a sparse correction: one
    XᵀX instead of two (on 3,000 items that saves about a fifth of the training time)."""

    def __init__(self, algorithm: Algorithm, rows: sp.csr_matrix) -> None:
        self.algorithm = algorithm
        self.rows = rows
        self._gram: NDArray[np.float32] | None = None

    def _all_gram(self) -> NDArray[np.float32]:
        if self._gram is None:
            self._gram = gram_of(self.rows)
        return self._gram

    def full(self) -> FittedModel:
        if isinstance(self.algorithm, Ease):
            gram, self._gram = self._all_gram(), None  # fit_gram overwrites it: last use
            return self.algorithm.fit_gram(gram)
        return self.algorithm.fit(self.rows)

    def without(self, training: sp.csr_matrix) -> FittedModel:
        """Fit on ``training``: the same users' rows with some cells removed."""
        if not isinstance(self.algorithm, Ease):
            return self.algorithm.fit(training)
        x, kept = as_float32(self.rows), as_float32(training)
        removed = x - kept
        # XᵀX = KᵀK + KᵀR + RᵀK + RᵀR with X = K + R, so KᵀK = XᵀX − XᵀR − RᵀX + RᵀR.
        correction = x.T @ removed
        correction = correction + correction.T - removed.T @ removed
        gram = self._all_gram() - correction.toarray().astype(np.float32)
        return self.algorithm.fit_gram(gram)


def _untuned(defaults: Blend) -> Choice:
    return Choice(defaults, 0.0, 0.0, 0)


def choose(
    algorithm: Algorithm,
    histories: Sequence[TimedHistory] | Flat,
    n_items: int,
    defaults: Blend,
    fitter: _Fitter | None = None,
) -> Choice:
    flat = histories if isinstance(histories, Flat) else Flat.of(histories)
    eligible = np.flatnonzero(flat.lengths >= HELD_OUT + 2)
    if len(eligible) < MIN_USERS:
        return _untuned(defaults)
    most = max(MAX_CELLS // max(n_items, 1) // HELD_OUT, MIN_USERS)
    sample = np.random.default_rng(0).permutation(eligible)[:most]
    # Training: every history less the sampled users' newest HELD_OUT entries.
    owners = flat.owners()
    from_end = flat.ends[owners] - 1 - np.arange(len(owners))
    sampled = np.zeros(len(flat.lengths), dtype=bool)
    sampled[sample] = True
    training = flat.keep(~(sampled[owners] & (from_end < HELD_OUT)))
    fitter = fitter or _Fitter(algorithm, flat.rows(n_items, 0))
    fitted = BlendedModel(
        fitter.without(training.rows(n_items, 0)), Timeline.of(training, n_items), defaults
    )
    # Each sampled user's newest interactions, each predicted from everything before it.
    users = np.tile(sample, HELD_OUT)
    back = np.repeat(np.arange(1, HELD_OUT + 1), len(sample))
    before = flat.prefixes(users, back)
    targets = flat.items[flat.ends[users] - back]
    held_out = _HeldOut.of(fitted, before, targets, n_items)
    cases = len(targets)
    # Coordinate search: the weight and window of recent popularity at the configured
    # half-life (they matter most), then the half-life at the best of those. Every step
    # keeps the configured value unless another is clearly better.
    default = defaults
    gains = {default: held_out.gains(default)}
    trends = [Blend(default.half_life, w, window) for window in WINDOWS for w in WEIGHTS]
    best = _clearly_best(gains, default, [default, *trends], held_out)
    lives = [Blend(life, best.trend_weight, best.trend_window) for life in HALF_LIVES]
    best = _clearly_best(gains, default, [best, *lives], held_out)
    choice = Choice(best, float(gains[best].mean()), float(gains[default].mean()), cases)
    log.info(
        "recommend: %s blend chosen on %d held-out interactions: half-life %g, recent "
        "popularity ×%g over %g of the timeline (nDCG@10 %.4f; configured %.4f)",
        getattr(algorithm, "name", "?"), choice.cases, best.half_life, best.trend_weight,
        best.trend_window, choice.ndcg, choice.default_ndcg,
    )  # fmt: skip
    return choice


def _clearly_best(
    gains: dict[Blend, NDArray[np.float64]],
    default: Blend,
    candidates: Sequence[Blend],
    held_out: _HeldOut,
) -> Blend:
    for blend in candidates:
        if blend not in gains:
            gains[blend] = held_out.gains(blend)
    # max keeps the first of equals: the incumbent comes first in ``candidates``.
    return max(candidates, key=lambda b: _better_than(gains[b], gains[default]))


@dataclass(slots=True)
class _HeldOut:
    """The held-out cases, with what every blend's scoring of them shares computed once."""

    fitted: BlendedModel
    flat: Flat
    seen: sp.csr_matrix
    targets: NDArray[np.int64]
    anchors: NDArray[np.float64]
    n_items: int
    _model: dict[float, NDArray[np.float32]]
    _trend: dict[float, NDArray[np.float32]]

    @classmethod
    def of(cls, fitted: BlendedModel, before: Flat, targets: NDArray[np.int64], n_items: int
           ) -> _HeldOut:  # fmt: skip
        anchors = before.times[before.ends - 1]  # each case's newest interaction
        return cls(fitted, before, before.rows(n_items, 0), targets, anchors, n_items, {}, {})

    def gains(self, blend: Blend) -> NDArray[np.float64]:
        total = self._model_part(blend.half_life)
        if blend.trend_weight:
            total = total + np.float32(blend.trend_weight) * self._trend_part(blend.trend_window)
        return _gains(total, self.targets)

    def _model_part(self, half_life: float) -> NDArray[np.float32]:
        if half_life not in self._model:
            rows = self.flat.rows(self.n_items, half_life)
            part = scaled(self.fitted.model.score(rows), rows)
            # Items the user has met are never candidates: -inf here, so in any total.
            part[self.seen.nonzero()] = -np.inf
            self._model[half_life] = part
        return self._model[half_life]

    def _trend_part(self, window: float) -> NDArray[np.float32]:
        if window not in self._trend:
            self._trend[window] = scaled(self.fitted.trend_counts(self.anchors, window), self.seen)
        return self._trend[window]


def _better_than(gains: NDArray[np.float64], default: NDArray[np.float64]) -> float:
    """How much better than the configured settings, counting only a clear gain: the
    mean paired difference when it exceeds ``CLEAR_GAIN`` standard errors, else 0 (the
    configured settings themselves score 0 too, and ``max`` keeps the first of equals)."""
    difference = gains - default
    spread = float(difference.std(ddof=1)) / np.sqrt(len(difference))
    mean = float(difference.mean())
    return mean if spread > 0 and mean > CLEAR_GAIN * spread else 0.0


def _gains(total: NDArray[np.float32], targets: NDArray[np.int64]) -> NDArray[np.float64]:
    """Each case's nDCG@10 for its target (met items are -inf in ``total``). Items scored
    the same as the target count as ahead of it: settings that cannot tell items apart get
    no credit for it (and one pass over the scores is half the time of two)."""
    target = total[np.arange(len(targets)), targets][:, None]
    ahead = (total >= target).sum(axis=1) - 1
    gains: NDArray[np.float64] = np.where(ahead < TOP_K, 1.0 / np.log2(ahead + 2), 0.0)
    return gains
