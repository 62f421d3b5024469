"""The significance tests, each a thin, checked call into scipy or statsmodels.

Degenerate inputs (fewer than two users in a variant, no variance at all) give ``nan``
rather than an exception: a report read on the first day shows "—" for a p-value that
cannot exist yet, and the verdict treats it as "not significant".
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest  # type: ignore[import-untyped, unused-ignore]

from plugins.abtest.samples import Floats


def welch_p(treatment: Floats, control: Floats) -> float:
    """Two-sided p-value of Welch's t-test (unequal variances)."""
    if treatment.size < 2 or control.size < 2:
        return math.nan
    if np.var(treatment) == 0 and np.var(control) == 0:
        return math.nan
    return float(stats.ttest_ind(treatment, control, equal_var=False).pvalue)


def mann_whitney_p(treatment: Floats, control: Floats) -> float:
    """Two-sided p-value of the Mann-Whitney U test (scipy's defaults: the normal
    approximation with tie and continuity corrections for samples this size)."""
    if treatment.size < 1 or control.size < 1:
        return math.nan
    if np.ptp(np.concatenate([treatment, control])) == 0:
        return math.nan  # every value tied: no ranks to compare
    return float(stats.mannwhitneyu(treatment, control, alternative="two-sided").pvalue)


def z_test_p(successes: Sequence[int], users: Sequence[int]) -> float:
    """Two-sided p-value of the pooled z-test for two proportions (treatment, control)."""
    if min(users) < 1:
        return math.nan
    pooled = sum(successes) / sum(users)
    if pooled in (0.0, 1.0):
        return math.nan  # nobody (or everybody) converted: no variance to test against
    _, p = proportions_ztest(list(successes), list(users), alternative="two-sided")
    return float(p)


def srm_p(assigned: Sequence[int], weights: Sequence[float]) -> float:
    """p-value of the chi-square test of the observed split against the designed one."""
    total = sum(assigned)
    if total == 0:
        return math.nan
    shares = np.asarray(weights, dtype=float) / float(sum(weights))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = stats.chisquare(np.asarray(assigned, dtype=float), f_exp=shares * total)
    return float(result.pvalue)
