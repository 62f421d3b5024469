"""The short text that goes with the chart: trend, seasonality, the next values, which model
and why, the intervals, and anything done to the data (gaps filled, rows averaged, ...)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from plugins.forecast.describe import seasonality, trend
from plugins.forecast.engine import COMBINED
from plugins.forecast.forecasting import SeriesForecast
from plugins.forecast.series import Note
from plugins.forecast.wording import (
    count_of,
    cycle_position,
    format_number,
    format_pct,
    format_period,
    season_position,
)

Translate = Callable[..., str]
NEXT_VALUES = 3
MODEL_NAMES = {"ets": "ETS", "theta": "Theta", "ces": "CES", "arima": "ARIMA", "naive": "Naive"}
BETTER_BY = 0.9
"""A single model is pointed out when its backtest error is below 90 % of the average's (it
replaces the average only far below it: ``engine.choose``)."""


def summarise(result: SeriesForecast, t: Translate, lang: str) -> str:
    series, fc = result.series, result.forecast
    unit = series.frequency.name
    lines = [
        t(
            "summary_header",
            column=series.name,
            horizon=count_of(result.horizon.steps, unit, lang),
            start=format_period(result.dates[0], unit, lang),
            end=format_period(result.dates[-1], unit, lang),
            history=count_of(len(series.dates), unit, lang),
        )
    ]
    lines.append(_trend_line(result, t, lang))
    lines.append(_season_line(result, t, lang))
    lines.append(t("next_values"))
    for step in range(min(NEXT_VALUES, len(result.dates))):
        lines.append(_value_line(result, step, t, lang))
    lines.append(_model_line(result, t, lang))
    if fc.bounds:
        lines.append(t("intervals_" + ("auto" if len(fc.models) > 1 else "model"),
                       levels=" / ".join(f"{lv}%" for lv in sorted(fc.bounds))))  # fmt: skip
    for note in _notes(result, lang):
        values = dict(note.values)
        if "frequency" in values:
            values["frequency"] = t("unit_" + str(values["frequency"]))
        lines.append(t("note_" + note.key, **values))
    return "\n".join(lines)


def _trend_line(result: SeriesForecast, t: Translate, lang: str) -> str:
    frequency = result.series.frequency
    season = frequency.season_length if result.forecast.season_length > 1 else 1
    found = trend(result.series.values, result.forecast.mean, season)
    span = count_of(found.span, frequency.name, lang)
    against = t("against_season_ago" if found.season_ago else "against_last", span=span,
                ago=t(f"ago_{frequency.name}"))  # fmt: skip
    return t(f"trend_{found.direction}", pct=format_pct(found.pct, lang), against=against)


def _season_line(result: SeriesForecast, t: Translate, lang: str) -> str:
    series = result.series
    unit = series.frequency.name
    period = series.frequency.season_length
    if (
        period > 1
        and result.forecast.season_length == 1
        and "constant" not in result.forecast.notes
    ):
        return t("season_unknown", needed=count_of(2 * period, unit, lang))
    found = seasonality(series.values, period, cycle_position(series.dates[0], unit))
    if found.strength in ("none", "unknown") or found.peak is None or found.trough is None:
        return t("season_none")
    return t(
        f"season_{found.strength}",
        cycle=t(f"cycle_{unit}"),
        peak=season_position(found.peak, unit, lang),
        trough=season_position(found.trough, unit, lang),
    )


def _value_line(result: SeriesForecast, step: int, t: Translate, lang: str) -> str:
    fc = result.forecast
    widest = max(fc.bounds) if fc.bounds else None
    values: dict[str, Any] = {
        "when": format_period(result.dates[step], result.series.frequency.name, lang),
        "value": format_number(float(fc.mean[step]), lang),
    }
    if widest is None:
        return t("next_value", **values)
    low, high = fc.bounds[widest]
    return t(
        "next_value_interval",
        **values,
        level=widest,
        low=format_number(float(low[step]), lang),
        high=format_number(float(high[step]), lang),
    )


def _model_line(result: SeriesForecast, t: Translate, lang: str) -> str:
    fc = result.forecast
    if "constant" in fc.notes:
        return t("model_constant")
    models = ", ".join(fc.models)
    if fc.chosen:
        line = t("model_chosen", model=models)
    elif fc.method != "auto" or len(fc.models) == 1:
        line = t("model_single", model=models)
    else:
        line = t("model_auto", models=models)
    errors = result.backtest.errors
    if "auto" in errors:
        others = ", ".join(
            f"{MODEL_NAMES[name]} {format_pct(errors[name], lang)}%"
            for name in COMBINED
            if name in errors
        )
        line += "\n" + t(
            "backtest",
            windows=result.backtest.windows,
            steps=count_of(result.backtest.steps, result.series.frequency.name, lang),
            error=format_pct(errors["auto"], lang),
            others=others,
        )
        ranked = sorted((name for name in COMBINED if name in errors), key=errors.__getitem__)
        if fc.chosen:
            line += "\n" + t(
                "backtest_chosen",
                model=MODEL_NAMES[fc.chosen],
                error=format_pct(errors[fc.chosen], lang),
                auto=format_pct(errors["auto"], lang),
                other=MODEL_NAMES[next((n for n in ranked if n != fc.chosen), "theta")],
            )
        elif ranked and errors[ranked[0]] < BETTER_BY * errors["auto"]:
            line += "\n" + t(
                "backtest_better",
                model=MODEL_NAMES[ranked[0]],
                error=format_pct(errors[ranked[0]], lang),
                auto=format_pct(errors["auto"], lang),
            )
    return line


def _notes(result: SeriesForecast, lang: str) -> Sequence[Note]:
    notes = list(result.series.notes)
    for key in result.forecast.notes:
        if key == "short_for_season":
            frequency = result.series.frequency
            needed = count_of(2 * frequency.season_length, frequency.name, lang)
            notes.append(Note(key, {"needed": needed}))
        elif key != "constant":
            notes.append(Note(key))
    if result.horizon.capped:
        notes.append(Note("horizon_capped", {"steps": result.horizon.steps}))
    if result.horizon.steps > len(result.series.dates):
        notes.append(Note("horizon_long"))
    return notes
