"""The report as one chat message, in the reader's language.

Verdict first (what to do), then the numbers behind it: per variant n, mean and interval;
per treatment the difference and lift with intervals, the p-values and the power for the
MDE; CUPED, the sample ratio check, guardrails, and the peeking warning when it applies.
Conversions are shown as percentages and their differences in percentage points.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plugins.abtest import numbers
from plugins.abtest.analysis import Analysis, Comparison
from plugins.abtest.bootstrap import Interval
from plugins.abtest.report import CSV_METRIC, Report
from plugins.abtest.verdict import Verdict

Translate = Callable[..., str]


class ReportWriter:
    def __init__(self, t: Translate, lang: str, *, pre_days: int = 0) -> None:
        self.t = t
        self.lang = lang
        self.pre_days = pre_days

    def metric_name(self, report: Report) -> str:
        if report.metric == CSV_METRIC:
            key = "metric.csv_conversion" if report.analysis.conversion else "metric.csv_mean"
            return self.t(key)
        return self.t(f"metric.{report.metric}")

    def write(self, report: Report) -> str:
        a = report.analysis
        lines = [self.t("report_title", title=report.title, metric=self.metric_name(report))]
        lines.append(self._verdict(report))
        lines.append("")
        lines.append(self.t("variants_header", confidence=numbers.level(a.confidence, self.lang)))
        for i, v in enumerate(a.variants):
            lines.append(
                self.t(
                    "variant_line",
                    name=v.name,
                    role=self._role(i, v.name),
                    n=numbers.count(v.n, self.lang),
                    mean=self._level(v.mean, a, like=v.ci),
                    ci=self._level_interval(v.ci.low, v.ci.high, a),
                )
            )
        control = a.variants[0].name
        for c in a.comparisons:
            lines.append("")
            lines.extend(self._comparison(c, a, control))
        lines.append("")
        if a.cuped_variance_reduction is not None:
            lines.append(
                self.t(
                    "cuped_line",
                    days=self.pre_days,
                    reduction=self._pct(a.cuped_variance_reduction, digits=0),
                )
            )
        lines.append(self._srm(report))
        if report.guardrails:
            lines.append(self.t("guardrails_header"))
            for metric, analysis in report.guardrails.items():
                lines.extend(self._guardrail(metric, analysis))
        if report.decision.peeking:
            lines.append("")
            lines.append(
                self.t(
                    "peeking_warning" if a.planned_n else "peeking_unplanned",
                    alpha=numbers.level(a.alpha, self.lang),
                    planned=numbers.count(a.planned_n, self.lang),
                )
            )
        return "\n".join(lines).strip()

    # -- pieces ------------------------------------------------------------------------------
    def _verdict(self, report: Report) -> str:
        a, decision = report.analysis, report.decision
        mde = numbers.level(a.options.mde, self.lang)
        power = min((c.power for c in a.comparisons), default=float("nan"))
        required = max((c.required_n or 0 for c in a.comparisons), default=0) or None
        values: dict[str, Any] = {
            "metric": self.metric_name(report),
            "mde": mde,
            "power": self._pct(power, digits=0),
            "required": numbers.count(required, self.lang),
            "control": a.variants[0].name,
        }
        match decision.verdict:
            case Verdict.INVALID:
                return self.t(
                    "verdict_invalid",
                    p=numbers.p_equation(a.srm_p, self.lang),
                    designed=self._designed(report),
                )
            case Verdict.SHIP:
                won = next(c for c in a.comparisons if c.variant == decision.winner)
                return self.t(
                    "verdict_ship",
                    winner=won.variant,
                    lift=self._lift(won),
                    p=numbers.p_equation(won.p, self.lang),
                    **values,
                )
            case Verdict.DONT_SHIP if decision.harmed:
                what = ", ".join(
                    f"«{variant}»: {self.t(f'metric.{metric}')}"
                    for variant, metric in decision.harmed
                )
                return self.t("verdict_dont_ship_harm", what=what)
            case Verdict.DONT_SHIP if any(c.harmed for c in a.comparisons):
                worse = next(c for c in a.comparisons if c.harmed)
                return self.t(
                    "verdict_dont_ship_worse",
                    variant=worse.variant,
                    lift=self._lift(worse),
                    p=numbers.p_equation(worse.p, self.lang),
                    **values,
                )
            case Verdict.DONT_SHIP:
                return self.t("verdict_dont_ship_flat", **values)
            case Verdict.KEEP_RUNNING if decision.peeking:
                smallest = min(v.n for v in a.variants)
                return self.t(
                    "verdict_keep_running_peeking" if a.planned_n else "verdict_unplanned",
                    n=numbers.count(smallest, self.lang),
                    planned=numbers.count(a.planned_n, self.lang),
                    **values,
                )
            case Verdict.KEEP_RUNNING if report.final:
                return self.t("verdict_more_data", **values)
            case _:
                return self.t("verdict_keep_running_power", **values)

    def _comparison(self, c: Comparison, a: Analysis, control: str) -> list[str]:
        p_key = "p_line_conversion" if a.conversion else "p_line_mean"
        return [
            self.t("comparison_header", variant=c.variant, control=control),
            self.t(
                "difference_line",
                diff=self._change(c.difference, a, like=c.difference_ci),
                ci=self._change_interval(c.difference_ci.low, c.difference_ci.high, a),
            ),
            self.t(
                "lift_line",
                lift=self._lift(c),
                ci=numbers.interval(c.lift_ci.low, c.lift_ci.high, self.lang, as_percent=True),
            ),
            self.t(
                p_key,
                z=numbers.p_value(c.z_test_p, self.lang),
                welch=numbers.p_value(c.welch_p, self.lang),
                mw=numbers.p_value(c.mann_whitney_p, self.lang),
            ),
            self.t(
                "power_line",
                mde=numbers.level(a.options.mde, self.lang),
                power=self._pct(c.power, digits=0),
                required=numbers.count(c.required_n, self.lang),
            ),
        ]

    def _srm(self, report: Report) -> str:
        a = report.analysis
        observed = " / ".join(
            f"{v.name} {numbers.count(v.assigned, self.lang)}" for v in a.variants
        )
        key = "srm_line_failed" if a.srm_failed else "srm_line_ok"
        return self.t(
            key,
            observed=observed,
            designed=self._designed(report),
            p=numbers.p_equation(a.srm_p, self.lang),
        )

    def _guardrail(self, metric: str, analysis: Analysis) -> list[str]:
        lines = []
        for c in analysis.comparisons:
            mark = "⚠️" if c.harmed else "✓"
            lines.append(
                self.t(
                    "guardrail_line",
                    metric=self.t(f"metric.{metric}"),
                    variant=c.variant,
                    diff=self._change(c.difference, analysis, like=c.difference_ci),
                    ci=self._change_interval(c.difference_ci.low, c.difference_ci.high, analysis),
                    p=numbers.p_equation(c.p, self.lang),
                    mark=mark,
                )
            )
        return lines

    def _role(self, index: int, name: str) -> str:
        role = self.t("control_role")
        # "control (control)" says nothing twice.
        return role if index == 0 and role.strip(" ()").lower() != name.lower() else ""

    def _designed(self, report: Report) -> str:
        weights = report.samples.weights
        total = sum(weights)
        return "/".join(numbers.share(w, total, self.lang) for w in weights)

    def _pct(self, share: float, digits: int = 1) -> str:
        return numbers.percent(share, self.lang, digits=digits)

    def _lift(self, c: Comparison) -> str:
        return numbers.percent(c.lift, self.lang, signed=True)

    def _level(self, value: float, a: Analysis, *, like: Interval) -> str:
        if a.conversion:
            return numbers.percent(value, self.lang)
        widest = max(abs(like.low), abs(like.high), abs(value))
        return numbers.number(value, self.lang, like=widest)

    def _level_interval(self, low: float, high: float, a: Analysis) -> str:
        return numbers.plain_interval(low, high, self.lang, as_percent=a.conversion)

    def _change(self, value: float, a: Analysis, *, like: Interval) -> str:
        scale = 100.0 if a.conversion else 1.0
        widest = max(abs(like.low), abs(like.high), abs(value)) * scale
        text = numbers.number(value * scale, self.lang, signed=True, like=widest)
        return text + " " + self.t("pp") if a.conversion else text

    def _change_interval(self, low: float, high: float, a: Analysis) -> str:
        if a.conversion:
            return numbers.interval(low * 100, high * 100, self.lang)
        return numbers.interval(low, high, self.lang)
