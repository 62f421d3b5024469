"""Bootstrap confidence intervals for the difference of means and the relative lift.

Vectorised as a Poisson bootstrap over buckets. Users are put into at most ``BUCKETS``
random buckets per variant; a replicate gives every bucket a Poisson(1) weight and the
replicate's mean is ``sum(weight * bucket sum) / sum(weight * bucket size)``. With at most
as many users as buckets each user is a bucket, which is the ordinary (Poisson) bootstrap;
with more, buckets of randomly chosen users are independent and identically distributed, so
resampling them estimates the same sampling distribution (the "bucket bootstrap" of large
online experiments). One replicate set is then a (B x buckets) weight matrix times two
vectors, so a million users cost what a thousand do: well under a second for 2,000
replicates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from plugins.abtest.samples import Floats

BUCKETS = 1000

# Poisson(1) weights through the inverse CDF on 16-bit uniforms: a table lookup is about
# eight times faster than ``Generator.poisson``, and no probability is off by more than 2**-16.
_UNIFORMS = 1 << 16
_POISSON_1 = np.searchsorted(
    np.cumsum([math.exp(-1.0) / math.factorial(k) for k in range(20)]),
    (np.arange(_UNIFORMS) + 0.5) / _UNIFORMS,
).astype(np.float64)


@dataclass(frozen=True, slots=True)
class Interval:
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low

    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0

    @classmethod
    def unknown(cls) -> Interval:
        return cls(math.nan, math.nan)


@dataclass(frozen=True, slots=True)
class BootstrapResult:
    difference: Interval  # treatment mean - control mean
    lift: Interval  # treatment mean / control mean - 1
    # A thinned set of replicate differences, for the chart's distribution panel.
    replicates: Floats


def replicate_means(values: Floats, resamples: int, rng: np.random.Generator) -> Floats:
    """``resamples`` bootstrap replicates of the mean of ``values``."""
    n = values.size
    if n == 0:
        return np.full(resamples, math.nan)
    buckets = min(n, BUCKETS)
    labels = np.arange(n) % buckets if n <= BUCKETS else rng.integers(0, buckets, n)
    sums = np.bincount(labels, weights=values, minlength=buckets)
    sizes = np.bincount(labels, minlength=buckets).astype(np.float64)
    weights = _POISSON_1[rng.integers(0, _UNIFORMS, size=(resamples, buckets), dtype=np.uint16)]
    totals = weights @ sizes
    with np.errstate(invalid="ignore", divide="ignore"):
        # An all-zero weight row (only plausible for a handful of users) has no mean.
        means: Floats = np.where(totals > 0, (weights @ sums) / totals, math.nan)
    return means


def bootstrap(
    treatment: Floats,
    control: Floats,
    *,
    confidence: float,
    resamples: int,
    seed: int,
) -> BootstrapResult:
    """Percentile intervals at ``confidence`` for the difference and the lift."""
    rng = np.random.default_rng(seed)
    t = replicate_means(treatment, resamples, rng)
    c = replicate_means(control, resamples, rng)
    difference = t - c
    with np.errstate(invalid="ignore", divide="ignore"):
        lift = np.where(c != 0, t / c - 1.0, math.nan)
    return BootstrapResult(
        difference=_percentile(difference, confidence),
        lift=_percentile(lift, confidence),
        replicates=difference[np.isfinite(difference)][:2000],
    )


def _percentile(replicates: Floats, confidence: float) -> Interval:
    finite = replicates[np.isfinite(replicates)]
    # Fewer usable replicates than this means tiny or degenerate samples: no interval.
    if finite.size < 0.9 * replicates.size or finite.size < 100:
        return Interval.unknown()
    tail = (1.0 - confidence) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return Interval(float(low), float(high))
