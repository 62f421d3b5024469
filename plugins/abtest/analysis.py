"""One metric of one experiment, analysed: every number a report shows.

Each treatment is compared with the control (the first variant). The p-value that decides is
Welch's t on the CUPED-adjusted values when a pre-period metric helps, else the z-test for
conversions and Welch's t for means; Mann-Whitney U is shown beside it as a check that does
not assume normal means. With several treatments the significance level is split between
them (Bonferroni), so "some variant won" keeps its false positive rate.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint  # type: ignore[import-untyped, unused-ignore]

from plugins.abtest.bootstrap import Interval, bootstrap
from plugins.abtest.cuped import CupedResult, adjust
from plugins.abtest.hypothesis import mann_whitney_p, srm_p, welch_p, z_test_p
from plugins.abtest.power import power_for_mde
from plugins.abtest.samples import Floats, Group, Samples


@dataclass(frozen=True, slots=True)
class AnalysisOptions:
    alpha: float = 0.05
    target_power: float = 0.8
    mde: float = 0.05  # relative: 0.05 = the treatment's mean 5 % above (or below) control's
    srm_alpha: float = 0.001
    resamples: int = 2000
    seed: int = 0
    higher_is_better: bool = True
    # Users per variant the experiment planned for; None: what the MDE needs, from the data.
    planned_n: int | None = None


@dataclass(frozen=True, slots=True)
class VariantStats:
    name: str
    assigned: int  # users the variant received (exposures)
    n: int  # users with a value
    mean: float
    sd: float
    ci: Interval


@dataclass(frozen=True, slots=True)
class Comparison:
    """One treatment against the control."""

    variant: str
    difference: float  # treatment - control (CUPED-adjusted when ``cuped``)
    difference_ci: Interval  # bootstrap, percentile
    lift: float  # difference / control mean
    lift_ci: Interval
    welch_p: float
    mann_whitney_p: float
    z_test_p: float  # nan unless the metric is a conversion
    p: float  # the one that decides (see the module docstring)
    power: float  # for the MDE, at the current sample sizes
    required_n: int | None  # per variant, for the MDE at the target power
    significant: bool
    better: bool  # the estimate points the good way (up, or down for latency)
    replicates: Floats = field(repr=False, compare=False)  # bootstrap differences (the chart)

    @property
    def improved(self) -> bool:
        return self.significant and self.better

    @property
    def harmed(self) -> bool:
        return self.significant and not self.better


@dataclass(frozen=True, slots=True)
class Analysis:
    variants: tuple[VariantStats, ...]
    comparisons: tuple[Comparison, ...]
    conversion: bool
    srm_p: float
    srm_failed: bool
    alpha: float  # per comparison, after the Bonferroni split
    confidence: float  # of every interval
    planned_n: int | None
    reached_plan: bool  # every variant has at least ``planned_n`` users
    cuped_variance_reduction: float | None  # None: CUPED not applied
    options: AnalysisOptions


def analyse(samples: Samples, options: AnalysisOptions) -> Analysis:
    alpha = options.alpha / max(1, len(samples.treatments))
    confidence = 1.0 - alpha
    conversion = samples.is_conversion
    cuped = adjust(samples)
    tested = cuped.samples if cuped is not None else samples
    variants = tuple(
        _variant_stats(g, a, conversion, confidence)
        for g, a in zip(samples.groups, samples.assigned, strict=True)
    )
    comparisons = tuple(
        _compare(samples, tested, i, conversion, cuped, alpha, options)
        for i in range(1, len(samples.groups))
    )
    p_srm = srm_p(samples.assigned, samples.weights)
    required = [c.required_n for c in comparisons if c.required_n is not None]
    planned = options.planned_n or (max(required) if required else None)
    reached = planned is not None and min(v.n for v in variants) >= planned
    return Analysis(
        variants=variants,
        comparisons=comparisons,
        conversion=conversion,
        srm_p=p_srm,
        srm_failed=math.isfinite(p_srm) and p_srm < options.srm_alpha,
        alpha=alpha,
        confidence=confidence,
        planned_n=planned,
        reached_plan=reached,
        cuped_variance_reduction=cuped.variance_reduction if cuped is not None else None,
        options=options,
    )


def _variant_stats(
    group: Group, assigned: int, conversion: bool, confidence: float
) -> VariantStats:
    n = group.n
    if n == 0:
        return VariantStats(group.name, assigned, 0, math.nan, math.nan, Interval.unknown())
    mean = float(group.values.mean())
    sd = float(group.values.std(ddof=1)) if n > 1 else math.nan
    if conversion:
        successes = int(group.values.sum())
        low, high = proportion_confint(successes, n, alpha=1 - confidence, method="wilson")
        ci = Interval(float(low), float(high))
    elif n > 1:
        half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
        ci = Interval(mean - half, mean + half)
    else:
        ci = Interval.unknown()
    return VariantStats(group.name, assigned, n, mean, sd, ci)


def _compare(
    raw: Samples,
    tested: Samples,
    index: int,
    conversion: bool,
    cuped: CupedResult | None,
    alpha: float,
    options: AnalysisOptions,
) -> Comparison:
    control, treatment = tested.groups[0], tested.groups[index]
    raw_control, raw_treatment = raw.groups[0], raw.groups[index]
    c, t = control.values, treatment.values
    control_mean = float(raw_control.values.mean()) if raw_control.n else math.nan
    difference = float(t.mean() - c.mean()) if t.size and c.size else math.nan
    boot = bootstrap(
        t,
        c,
        confidence=1 - alpha,
        resamples=options.resamples,
        # Stable per variant name: the same data always gives the same report.
        seed=options.seed + zlib.crc32(treatment.name.encode()),
    )
    p_welch = welch_p(t, c)
    p_z = math.nan
    if conversion:
        p_z = z_test_p(
            [int(raw_treatment.values.sum()), int(raw_control.values.sum())],
            [raw_treatment.n, raw_control.n],
        )
    p = p_welch if cuped is not None or not conversion else p_z
    pooled_sd = _pooled_sd(t, c)
    power = power_for_mde(
        control_mean=control_mean,
        sd=pooled_sd,
        conversion=conversion and cuped is None,
        mde=options.mde,
        alpha=alpha,
        target_power=options.target_power,
        n_control=c.size,
        n_treatment=t.size,
    )
    better = difference > 0 if options.higher_is_better else difference < 0
    return Comparison(
        variant=treatment.name,
        difference=difference,
        difference_ci=boot.difference,
        lift=difference / control_mean if control_mean else math.nan,
        lift_ci=boot.lift,
        welch_p=p_welch,
        # On the raw values: ranks need no adjustment, and CUPED values are not what users did.
        mann_whitney_p=mann_whitney_p(raw_treatment.values, raw_control.values),
        z_test_p=p_z,
        p=p,
        power=power.power,
        required_n=power.required_n,
        significant=math.isfinite(p) and p < alpha,
        better=bool(better),
        replicates=boot.replicates,
    )


def _pooled_sd(t: Floats, c: Floats) -> float:
    if t.size < 1 or c.size < 1 or t.size + c.size < 3:
        return math.nan
    return float(np.concatenate([t - t.mean(), c - c.mean()]).std(ddof=2))
