"""Power for the declared minimum detectable effect, and the sample size it needs.

The MDE is relative ("+5 %"): the control's mean times ``1 + mde``. Power is the chance the
test would call that effect significant with the users the report has now; it is not
"observed power" (which only restates the p-value). statsmodels does the arithmetic: Cohen's
h with the normal approximation for conversions, Cohen's d with the t distribution for means.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from statsmodels.stats.power import NormalIndPower, TTestIndPower  # type: ignore[import-untyped, unused-ignore]
from statsmodels.stats.proportion import proportion_effectsize  # type: ignore[import-untyped, unused-ignore]


@dataclass(frozen=True, slots=True)
class PowerResult:
    power: float  # at the current sample sizes, for the MDE
    required_n: int | None  # users per variant for the target power; None: not computable


def power_for_mde(
    *,
    control_mean: float,
    sd: float,
    conversion: bool,
    mde: float,
    alpha: float,
    target_power: float,
    n_control: int,
    n_treatment: int,
) -> PowerResult:
    """``sd`` is the pooled standard deviation of the values the test uses (after CUPED)."""
    effect = _effect_size(control_mean, sd, conversion, mde)
    if effect is None or n_control < 2 or n_treatment < 1:
        required = _required(effect, conversion, alpha, target_power)
        return PowerResult(math.nan, required)
    ratio = n_treatment / n_control
    analysis = NormalIndPower() if conversion else TTestIndPower()
    power = float(analysis.power(effect_size=effect, nobs1=n_control, alpha=alpha, ratio=ratio))
    if not math.isfinite(power):
        # scipy's noncentral t gives nan for the far tail once the noncentrality is large
        # (thousands of users); there the t and normal distributions agree anyway.
        power = float(
            NormalIndPower().power(effect_size=effect, nobs1=n_control, alpha=alpha, ratio=ratio)
        )
    return PowerResult(power, _required(effect, conversion, alpha, target_power))


def _effect_size(control_mean: float, sd: float, conversion: bool, mde: float) -> float | None:
    if not math.isfinite(control_mean) or control_mean == 0 or mde == 0:
        return None
    if conversion:
        target = control_mean * (1 + mde)
        if not 0 < control_mean < 1 or not 0 < target < 1:
            return None
        return abs(float(proportion_effectsize(target, control_mean)))
    if not math.isfinite(sd) or sd <= 0:
        return None
    return abs(control_mean * mde) / sd


def _required(
    effect: float | None, conversion: bool, alpha: float, target_power: float
) -> int | None:
    if effect is None or effect == 0:
        return None
    analysis = NormalIndPower() if conversion else TTestIndPower()
    n = analysis.solve_power(effect_size=effect, alpha=alpha, power=target_power, ratio=1.0)
    return math.ceil(float(n))
