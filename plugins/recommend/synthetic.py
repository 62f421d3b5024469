"""A synthetic interaction log that behaves like real viewing histories, for the benchmark
(``bench/recsys.py --synthetic``) and the tests. Deterministic for a seed.

What makes it realistic (each is a property MovieLens-like logs have and models exploit):
- **popularity skew**: item appeal is log-normal, so a few items gather most interactions;
- **taste clusters**: items belong to one or two of ``n_clusters`` genres, and each user
  likes a few genres (a sparse Dirichlet mixture), with some off-taste picks;
- **temporal order**: items are released over time and are most watched soon after their
  release; users come and go at different times, and watch in sessions that stay within one
  genre for a while (today's mood), so the most recent interactions predict the next one
  better than old ones.

``drift=True`` (``bench/recsys.py --synthetic --drift``) makes time matter more, as in
MovieLens-100k: power-law item appeal; items released over the whole log whose popularity
peaks soon after release and then decays; users active over windows from a day to half the
log, with long histories; and a share of every user's picks that follow what is popular at
that moment whatever their tastes (rated low, but every rating is an interaction). The
default (``drift=False``) output is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True, slots=True)
class SyntheticOptions:
    n_users: int = 1000
    n_items: int = 1700
    n_clusters: int = 16
    mean_interactions: float = 100.0
    """Mean per user (at least ``min_interactions``), log-normal like real activity."""
    min_interactions: int = 20
    session_length: float = 8.0
    """Mean number of items in a session (one genre of the user's tastes)."""
    popularity_sigma: float = 1.2
    """Spread of the log-normal item appeal: larger = more skew."""
    off_taste: float = 0.05
    """Weight of genres the user does not like (exploration)."""
    freshness_span: float = 0.15
    """How long (share of the whole time line) a release stays "new"."""
    seed: int = 42
    drift: bool = False
    """Strong temporal drift (module docstring); False keeps the original generator."""
    trend_share: float = 0.3
    """With ``drift``: the share of picks drawn from what is popular at the time alone."""


@dataclass(frozen=True, slots=True)
class _Items:
    cluster: NDArray[np.int64]  # primary genre
    second: NDArray[np.int64]  # secondary genre, or -1
    appeal: NDArray[np.float64]
    release: NDArray[np.float64]  # 0..1 on the time line (negative: before it starts)


def _items(options: SyntheticOptions, rng: np.random.Generator) -> _Items:
    n, k = options.n_items, options.n_clusters
    # Genres differ in size, as real genres do (drama ≫ western).
    sizes = rng.dirichlet(np.full(k, 2.0))
    cluster = rng.choice(k, size=n, p=sizes)
    second = np.where(rng.random(n) < 0.4, rng.choice(k, size=n, p=sizes), -1)
    second = np.where(second == cluster, -1, second)
    appeal = rng.lognormal(0.0, options.popularity_sigma, size=n)
    # A third of the catalog is older than the log (classics), the rest comes out over time.
    release = np.where(rng.random(n) < 0.33, -rng.random(n), rng.random(n) * 0.95)
    return _Items(cluster, second, appeal, release)


def _membership(items: _Items, options: SyntheticOptions) -> NDArray[np.float64]:
    """Item x cluster weights: 1 for an item's cluster, 0.6 for its second one."""
    membership = np.zeros((options.n_items, options.n_clusters))
    membership[np.arange(options.n_items), items.cluster] = 1.0
    has_second = items.second >= 0
    membership[np.flatnonzero(has_second), items.second[has_second]] = 0.6
    return membership


def _interaction_count(
    options: SyntheticOptions, rng: np.random.Generator, *, shift: float, sigma: float
) -> int:
    """A user's number of interactions: log-normal around the mean, within the bounds."""
    drawn = rng.lognormal(np.log(options.mean_interactions) - shift, sigma)
    return int(min(options.n_items // 2, max(options.min_interactions, drawn)))


def generate(
    options: SyntheticOptions = SyntheticOptions(),
) -> Iterator[tuple[int, int, float, float]]:
    """(user, item, rating 1–5, timestamp in seconds) in no particular order."""
    if options.drift:
        yield from _generate_drifting(options)
        return
    rng = np.random.default_rng(options.seed)
    items = _items(options, rng)
    k = options.n_clusters
    membership = _membership(items, options)
    seconds_per_unit = 3 * 365 * 86400.0
    for user in range(options.n_users):
        taste = rng.dirichlet(np.full(k, 0.15))
        count = _interaction_count(options, rng, shift=0.5, sigma=1.0)
        start = rng.random() * 0.85
        span = rng.uniform(0.02, 0.15)
        times = np.sort(start + rng.random(count) * span)
        liked = membership @ taste + options.off_taste  # each item's fit to the user's tastes
        available = np.ones(options.n_items, dtype=bool)
        position = 0
        while position < count:
            length = max(1, int(rng.geometric(1.0 / options.session_length)))
            mood = rng.choice(k, p=taste)  # this session's genre, one of the user's tastes
            session = times[position : position + length]
            now = float(session[0])
            age = now - items.release
            fresh = np.where(
                age < 0, 0.0, 1.0 + 4.0 * np.exp(-np.maximum(age, 0) / options.freshness_span)
            )
            weight = items.appeal * fresh * liked * (0.15 + membership[:, mood]) * available
            total = weight.sum()
            if total <= 0:
                break
            size = min(len(session), int(np.count_nonzero(weight)))
            picks = rng.choice(options.n_items, size=size, replace=False, p=weight / total)
            for item, moment in zip(picks, session[:size], strict=True):
                available[item] = False
                rating = float(
                    np.clip(np.round(2.5 + 2.5 * liked[item] + rng.normal(0, 0.8)), 1, 5)
                )
                yield user, int(item), rating, round(float(moment) * seconds_per_unit)
            position += length


def _drifting_items(options: SyntheticOptions, rng: np.random.Generator) -> _Items:
    n, k = options.n_items, options.n_clusters
    sizes = rng.dirichlet(np.full(k, 2.0))
    cluster = rng.choice(k, size=n, p=sizes)
    second = np.where(rng.random(n) < 0.4, rng.choice(k, size=n, p=sizes), -1)
    second = np.where(second == cluster, -1, second)
    appeal = np.minimum(1.0 + rng.pareto(1.2, size=n), 300.0)  # power law
    # A sixth of the catalog predates the log; the rest is released all along it.
    release = np.where(rng.random(n) < 0.15, -rng.random(n), rng.random(n))
    return _Items(cluster, second, appeal, release)


def _moment(now: float, release: NDArray[np.float64]) -> NDArray[np.float64]:
    """How much an item is watched at ``now``: nothing before release, a peak a week or two
    after it (1.5 % of the log), then a decay to a long tail."""
    age = np.maximum(now - release, 0.0)
    peak = 0.015
    hump = (age / peak) * np.exp(1.0 - age / peak)
    return np.where(now < release, 0.0, 0.05 + 10.0 * hump + np.exp(-age / 0.25))


def _generate_drifting(options: SyntheticOptions) -> Iterator[tuple[int, int, float, float]]:
    rng = np.random.default_rng(options.seed)
    items = _drifting_items(options, rng)
    k = options.n_clusters
    membership = _membership(items, options)
    seconds_per_unit = 3 * 365 * 86400.0
    for user in range(options.n_users):
        taste = rng.dirichlet(np.full(k, 0.15))
        count = _interaction_count(options, rng, shift=0.6, sigma=1.1)
        span = float(np.exp(rng.uniform(np.log(0.003), np.log(0.5))))
        start = rng.random() * (1.0 - span)
        times = np.sort(start + rng.random(count) * span)
        liked = membership @ taste + options.off_taste
        available = np.ones(options.n_items, dtype=bool)
        position = 0
        while position < count:
            length = max(1, int(rng.geometric(1.0 / options.session_length)))
            mood = rng.choice(k, p=taste)
            session = times[position : position + length]
            trend = items.appeal * _moment(float(session[0]), items.release) * available
            taste_weight = trend * liked * (0.15 + membership[:, mood])
            if trend.sum() <= 0 or taste_weight.sum() <= 0:
                break
            weight = (
                options.trend_share * trend / trend.sum()
                + (1.0 - options.trend_share) * taste_weight / taste_weight.sum()
            )
            size = min(len(session), int(np.count_nonzero(weight)))
            picks = rng.choice(options.n_items, size=size, replace=False, p=weight / weight.sum())
            for item, moment in zip(picks, session[:size], strict=True):
                available[item] = False
                rating = float(
                    np.clip(np.round(2.0 + 3.0 * liked[item] + rng.normal(0, 0.8)), 1, 5)
                )
                yield user, int(item), rating, round(float(moment) * seconds_per_unit)
            position += length
