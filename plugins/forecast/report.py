"""The weekly load report for administrators: last week's forecast against what happened, and
the forecast for the coming week.

"Last week's forecast" is recomputed, not recalled: the model is fitted on the log up to seven
days ago and forecasts those seven days, which is what a forecast made then would have said
(the log of the past does not change). No table of stored forecasts is needed, and the report
is the same whether or not Sova was running a week ago.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from bot.storage import Database
from plugins.forecast.engine import forecast
from plugins.forecast.load import message_counts, window
from plugins.forecast.series import FREQUENCIES
from plugins.forecast.wording import format_number, format_pct, format_period

WEEK = 7
LEVEL = 80
MIN_TRAIN_DAYS = 3

Translate = Callable[..., str]


@dataclass(frozen=True, slots=True)
class DayCheck:
    day: datetime
    forecast: float
    low: float
    high: float
    actual: int


@dataclass(frozen=True, slots=True)
class LoadReport:
    days: tuple[DayCheck, ...]
    next_week: float
    """The forecast total of the coming seven days."""
    busiest_day: datetime
    busiest_value: float
    history_days: int


async def build_report(
    db: Database, *, now: datetime, tz: ZoneInfo, history_days: int
) -> LoadReport | None:
    """None when the log is too short to forecast a week from (fewer than 3 days before it)."""
    span = window(now, history_days + WEEK, FREQUENCIES["day"], tz)
    dates, counts = await message_counts(db, span)
    values = np.asarray(counts, dtype=float)
    first = int(np.argmax(values > 0)) if values.any() else values.size
    if values.size - WEEK - first < MIN_TRAIN_DAYS:
        return None
    return await asyncio.to_thread(_compute, dates, values, first)


def _compute(dates: list[datetime], values: np.ndarray, first: int) -> LoadReport:
    train, actual = values[first:-WEEK], values[-WEEK:]
    season = FREQUENCIES["day"].season_length
    past = forecast(train, WEEK, season_length=season, levels=(LEVEL,))
    low, high = (np.maximum(b, 0) for b in past.bounds[LEVEL])
    days = tuple(
        DayCheck(
            dates[-WEEK + i],
            max(0.0, float(past.mean[i])),
            float(low[i]),
            float(high[i]),
            int(actual[i]),
        )
        for i in range(WEEK)
    )
    ahead = np.clip(forecast(values[first:], WEEK, season_length=season, levels=()).mean, 0, None)
    busiest = int(np.argmax(ahead))
    return LoadReport(
        days,
        float(ahead.sum()),
        dates[-1] + timedelta(days=busiest + 1),
        float(ahead[busiest]),
        values.size - first,
    )


def report_text(report: LoadReport, t: Translate, lang: str) -> str:
    lines = [t("report_header")]
    for day in report.days:
        lines.append(
            t(
                "report_day",
                day=format_period(day.day, "day", lang),
                forecast=format_number(round(day.forecast), lang),
                actual=format_number(day.actual, lang),
                mark="✅" if day.low <= day.actual <= day.high else "⚠️",
            )
        )
    predicted = sum(d.forecast for d in report.days)
    actual = sum(d.actual for d in report.days)
    error = 100 * (actual - predicted) / predicted if predicted else 0.0
    inside = sum(1 for d in report.days if d.low <= d.actual <= d.high)
    lines.append(
        t(
            "report_total",
            forecast=format_number(round(predicted), lang),
            actual=format_number(actual, lang),
            error=("+" if error >= 0 else "−") + format_pct(error, lang),
            inside=inside,
            days=len(report.days),
            level=LEVEL,
        )
    )
    lines.append(
        t(
            "report_next",
            total=format_number(round(report.next_week), lang),
            day=format_period(report.busiest_day, "day", lang),
            peak=format_number(round(report.busiest_value), lang),
        )
    )
    return "\n".join(lines)
