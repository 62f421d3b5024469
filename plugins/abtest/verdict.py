"""From the numbers to a decision: ship, don't ship, keep running, or invalid.

In order:
1. A sample ratio mismatch makes the experiment invalid: users were not split as designed
   (a bug in assignment or in logging exposures), so no difference can be trusted.
2. A running experiment below its planned sample size keeps running, whatever the p-values
   say now: stopping at the first significant peek inflates false positives several times.
3. A treatment significantly better on the primary metric, and significantly worse on no
   guardrail, ships (the best one, when several do).
4. A treatment significantly worse on the primary metric or on a guardrail: don't ship.
5. No significant difference with enough power for the MDE: don't ship (there is no effect
   as large as the one worth having). Without that power: keep running.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from plugins.abtest.analysis import Analysis


class Verdict(StrEnum):
    SHIP = "ship"
    DONT_SHIP = "dont_ship"
    KEEP_RUNNING = "keep_running"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    winner: str | None = None
    harmed: tuple[tuple[str, str], ...] = ()  # (variant, guardrail metric) that got worse
    peeking: bool = False  # read before the planned sample size


def decide(
    primary: Analysis, guardrails: Mapping[str, Analysis] | None = None, *, final: bool
) -> Decision:
    """``final``: the experiment has stopped (or the data came from a finished test)."""
    guardrails = guardrails or {}
    if primary.srm_failed:
        return Decision(Verdict.INVALID)
    harmed = tuple(
        (c.variant, metric)
        for metric, analysis in guardrails.items()
        for c in analysis.comparisons
        if c.harmed
    )
    if not final and not primary.reached_plan:
        return Decision(Verdict.KEEP_RUNNING, harmed=harmed, peeking=True)
    harmed_variants = {variant for variant, _ in harmed}
    winners = [c for c in primary.comparisons if c.improved and c.variant not in harmed_variants]
    if winners:
        sign = 1 if primary.options.higher_is_better else -1
        best = max(winners, key=lambda c: sign * c.difference)
        return Decision(Verdict.SHIP, winner=best.variant, harmed=harmed)
    if harmed or any(c.harmed for c in primary.comparisons):
        return Decision(Verdict.DONT_SHIP, harmed=harmed)
    powered = primary.reached_plan or all(
        c.power >= primary.options.target_power for c in primary.comparisons
    )
    if powered:
        return Decision(Verdict.DONT_SHIP)
    return Decision(Verdict.KEEP_RUNNING)
