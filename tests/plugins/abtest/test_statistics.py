"""The statistics on simulated experiments whose truth is known.

Every simulation has a fixed seed, so a run is repeatable; the bounds are the binomial
spread of the simulated rate (about three standard errors), so a correct implementation
passes and a wrong one (one-sided tests, pooled variances, a biased bootstrap) does not.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from plugins.abtest.analysis import AnalysisOptions, analyse
from plugins.abtest.bootstrap import bootstrap
from plugins.abtest.cuped import adjust
from plugins.abtest.hypothesis import mann_whitney_p, srm_p, welch_p, z_test_p
from plugins.abtest.power import power_for_mde
from plugins.abtest.samples import Group, Samples
from plugins.abtest.verdict import Verdict, decide

EXPERIMENTS = 2000
ALPHA = 0.05


def _share(flags: list[bool]) -> float:
    return sum(flags) / len(flags)


def test_a_a_means_false_positive_rate() -> None:
    """Skewed per-user values (like messages per user), no real difference: Welch's t."""
    rng = np.random.default_rng(11)
    both = rng.lognormal(1.0, 1.0, size=(EXPERIMENTS, 2, 400))
    rate = _share([welch_p(e[1], e[0]) < ALPHA for e in both])
    assert 0.035 <= rate <= 0.065, rate


def test_a_a_conversions_false_positive_rate() -> None:
    rng = np.random.default_rng(12)
    users = 1000
    converted = rng.binomial(users, 0.1, size=(EXPERIMENTS, 2))
    rate = _share([z_test_p([t, c], [users, users]) < ALPHA for c, t in converted])
    assert 0.035 <= rate <= 0.065, rate


def test_a_a_with_cuped_false_positive_rate() -> None:
    """The adjustment must not make chance differences significant."""
    rng = np.random.default_rng(13)
    flags = []
    for _ in range(EXPERIMENTS):
        pre = rng.gamma(2.0, 2.0, size=(2, 300))
        post = 0.8 * pre + rng.normal(0, 1.5, size=(2, 300))
        adjusted = adjust(Samples.of([Group("a", post[0], pre[0]), Group("b", post[1], pre[1])]))
        assert adjusted is not None
        control, treatment = adjusted.samples.groups
        flags.append(welch_p(treatment.values, control.values) < ALPHA)
    rate = _share(flags)
    assert 0.035 <= rate <= 0.065, rate


def test_a_planted_lift_is_detected_at_the_planned_power() -> None:
    """Size the experiment for a 5 % lift at 80 % power, plant exactly that lift: about 80 %
    of the experiments find it."""
    mean, sd = 10.0, 5.0
    plan = power_for_mde(
        control_mean=mean, sd=sd, conversion=False, mde=0.05, alpha=ALPHA, target_power=0.8,
        n_control=0, n_treatment=0,
    )  # fmt: skip
    assert plan.required_n is not None
    n = plan.required_n
    assert 1500 < n < 1650  # (1.96 + 0.84)^2 * 2 * (5 / 0.5)^2 ≈ 1570
    rng = np.random.default_rng(14)
    runs = 500
    found = []
    for _ in range(runs):
        control = rng.normal(mean, sd, n)
        treatment = rng.normal(mean * 1.05, sd, n)
        found.append(welch_p(treatment, control) < ALPHA and treatment.mean() > control.mean())
    power = _share(found)
    assert 0.74 <= power <= 0.86, power
    # ... and the report's own power figure for that design says 80 %.
    at_plan = power_for_mde(
        control_mean=mean, sd=sd, conversion=False, mde=0.05, alpha=ALPHA, target_power=0.8,
        n_control=n, n_treatment=n,
    )  # fmt: skip
    assert at_plan.power == pytest.approx(0.8, abs=0.01)


def test_a_planted_lift_in_conversions_ships() -> None:
    rng = np.random.default_rng(15)
    users = 60_000  # 10 % → 10.5 % at 80 % power needs about 58,000 per variant
    control = (rng.random(users) < 0.10).astype(float)
    treatment = (rng.random(users) < 0.105).astype(float)
    samples = Samples.of([Group("old", control), Group("new", treatment)])
    analysis = analyse(samples, AnalysisOptions(mde=0.05, resamples=500))
    assert analysis.conversion
    comparison = analysis.comparisons[0]
    assert comparison.required_n is not None and comparison.required_n < users
    assert decide(analysis, final=False).verdict is Verdict.SHIP
    assert comparison.lift_ci.low < 0.05 < comparison.lift_ci.high


def test_sample_ratio_mismatch_on_a_52_48_split_blocks_the_verdict() -> None:
    rng = np.random.default_rng(16)
    control = rng.normal(10, 2, 52_000)
    treatment = rng.normal(10.5, 2, 48_000)  # a real, large effect: still not trusted
    samples = Samples.of([Group("a", control), Group("b", treatment)], weights=(50, 50))
    analysis = analyse(samples, AnalysisOptions(resamples=300))
    assert analysis.srm_p < 1e-30
    assert analysis.srm_failed
    assert decide(analysis, final=True).verdict is Verdict.INVALID
    # A fair coin's wobble is not a mismatch, and an intended 52/48 split is not either.
    assert srm_p([50_100, 49_900], [1, 1]) > 0.1
    assert srm_p([52_000, 48_000], [52, 48]) == pytest.approx(1.0)


def test_cuped_narrows_the_interval_and_keeps_the_effect() -> None:
    rng = np.random.default_rng(17)
    n = 5000
    pre = rng.gamma(2.0, 3.0, size=(2, n))
    effect = 0.3
    post = 0.9 * pre + rng.normal(0, 2.0, size=(2, n))
    post[1] += effect
    options = AnalysisOptions(resamples=1000)
    with_pre = analyse(
        Samples.of([Group("a", post[0], pre[0]), Group("b", post[1], pre[1])]), options
    )
    without = analyse(Samples.of([Group("a", post[0]), Group("b", post[1])]), options)
    assert without.cuped_variance_reduction is None
    reduction = with_pre.cuped_variance_reduction
    assert reduction is not None
    rho2 = np.corrcoef(pre.ravel(), post.ravel())[0, 1] ** 2
    assert reduction == pytest.approx(rho2, abs=0.03)
    narrow = with_pre.comparisons[0].difference_ci
    wide = without.comparisons[0].difference_ci
    assert narrow.width < 0.7 * wide.width
    assert narrow.low < effect < narrow.high
    assert with_pre.comparisons[0].p < without.comparisons[0].p


def test_an_uncorrelated_pre_period_is_left_out() -> None:
    rng = np.random.default_rng(18)
    pre = rng.normal(0, 1, size=(2, 2000))
    post = rng.normal(0, 1, size=(2, 2000))
    assert adjust(Samples.of([Group("a", post[0], pre[0]), Group("b", post[1], pre[1])])) is None


@pytest.mark.parametrize("n", [300, 4000])
def test_bootstrap_intervals_cover_the_truth(n: int) -> None:
    """Per-user resampling (n below the bucket count) and bucket resampling (above it) both
    give 95 % intervals that contain the true difference about 95 % of the time."""
    rng = np.random.default_rng(19 + n)
    runs, hits, lift_hits = 200, 0, 0
    for run in range(runs):
        control = rng.exponential(2.0, n)
        treatment = rng.exponential(2.2, n)
        result = bootstrap(treatment, control, confidence=0.95, resamples=400, seed=run)
        hits += result.difference.low < 0.2 < result.difference.high
        lift_hits += result.lift.low < 0.1 < result.lift.high
    assert 0.90 <= hits / runs <= 0.99, hits / runs
    assert 0.90 <= lift_hits / runs <= 0.99, lift_hits / runs


def test_bootstrap_agrees_with_welch_on_a_million_users() -> None:
    rng = np.random.default_rng(20)
    control = rng.exponential(3.0, 500_000)
    treatment = rng.exponential(3.03, 500_000)
    result = bootstrap(treatment, control, confidence=0.95, resamples=2000, seed=1)
    se = math.sqrt(control.var(ddof=1) / control.size + treatment.var(ddof=1) / treatment.size)
    diff = treatment.mean() - control.mean()
    # Width and centre, with room for 2,000 replicates' Monte Carlo error at the tails.
    assert result.difference.width == pytest.approx(2 * 1.96 * se, rel=0.1)
    middle = (result.difference.low + result.difference.high) / 2
    assert middle == pytest.approx(diff, abs=0.25 * se)


def test_several_treatments_split_the_significance_level() -> None:
    rng = np.random.default_rng(21)
    groups = [Group(name, rng.normal(5, 1, 500)) for name in ("a", "b", "c", "d")]
    analysis = analyse(Samples.of(groups), AnalysisOptions(resamples=300))
    assert analysis.alpha == pytest.approx(ALPHA / 3)
    assert analysis.confidence == pytest.approx(1 - ALPHA / 3)
    assert [c.variant for c in analysis.comparisons] == ["b", "c", "d"]


def test_degenerate_samples_give_no_p_value_rather_than_an_error() -> None:
    same = np.ones(50)
    assert math.isnan(welch_p(same, same))
    assert math.isnan(mann_whitney_p(same, same))
    assert math.isnan(z_test_p([0, 0], [100, 100]))
    assert math.isnan(welch_p(np.array([1.0]), np.array([2.0, 3.0])))
    analysis = analyse(
        Samples.of([Group("a", np.zeros(5)), Group("b", np.zeros(5))]), AnalysisOptions()
    )
    comparison = analysis.comparisons[0]
    assert not comparison.significant
    assert comparison.required_n is None  # a control mean of 0 has no relative MDE
    assert decide(analysis, final=False).verdict is Verdict.KEEP_RUNNING


def test_a_a_through_the_whole_report_rarely_ships() -> None:
    """The verdict itself: with no real difference "ship" needs a significant result in the
    good direction, about alpha / 2 of the time."""
    rng = np.random.default_rng(22)
    runs = 300
    verdicts = []
    for run in range(runs):
        values = rng.poisson(3.0, size=(2, 300)).astype(float)
        samples = Samples.of([Group("a", values[0]), Group("b", values[1])])
        analysis = analyse(samples, AnalysisOptions(mde=0.05, resamples=200, seed=run))
        verdicts.append(decide(analysis, final=True).verdict)
    shipped = verdicts.count(Verdict.SHIP) / runs
    assert shipped <= 0.055, shipped
    assert Verdict.INVALID not in verdicts
