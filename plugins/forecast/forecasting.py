"""One request, start to end, off the event loop: file → table → series → forecasts.

Everything here is synchronous and CPU-bound (parsing, model fitting); the plugin runs it in a
worker thread. Problems with the input surface as ``InputProblem``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from plugins.forecast.engine import Backtest, Forecast, forecast_checked
from plugins.forecast.horizon import Horizon, default_steps, parse_horizon
from plugins.forecast.series import PreparedSeries, future_dates, prepare
from plugins.forecast.table import read_table


@dataclass(frozen=True, slots=True)
class ForecastRequest:
    """What the user asked for; ``None`` fields take the defaults."""

    horizon_text: str | None = None
    column: str | None = None
    method: str = "auto"
    levels: tuple[int, ...] = (80, 95)
    now: datetime = datetime(2000, 1, 1)


@dataclass(frozen=True, slots=True)
class Limits:
    max_rows: int
    max_series: int
    max_horizon: int
    backtest_origins: int
    max_history_points: int = 1000


@dataclass(frozen=True, slots=True)
class SeriesForecast:
    """A prepared series, its forecast and future dates, and the backtest errors (which
    chose ``forecast.chosen`` when set)."""

    series: PreparedSeries
    forecast: Forecast
    dates: tuple[datetime, ...]
    horizon: Horizon
    backtest: Backtest


def forecast_file(
    data: bytes, file_name: str, request: ForecastRequest, limits: Limits
) -> list[SeriesForecast]:
    table = read_table(data, file_name, max_rows=limits.max_rows)
    prepared = prepare(table, column=request.column, max_series=limits.max_series)
    return [forecast_series(series, request, limits) for series in prepared]


def forecast_series(
    series: PreparedSeries, request: ForecastRequest, limits: Limits
) -> SeriesForecast:
    keep = limits.max_history_points
    if len(series.dates) > keep:
        series = replace(series, dates=series.dates[-keep:], values=series.values[-keep:])
    last = series.dates[-1]
    horizon = parse_horizon(
        request.horizon_text,
        series.frequency,
        last=last,
        now=request.now.replace(tzinfo=None),
        max_steps=limits.max_horizon,
    ) or Horizon(min(default_steps(series.frequency), limits.max_horizon))
    season = series.frequency.season_length
    # With "auto", the backtest runs and may replace the average by one clearly better model.
    result, errors = forecast_checked(
        series.values,
        horizon.steps,
        season_length=season,
        method=request.method,
        levels=request.levels,
        origins=limits.backtest_origins,
    )
    return SeriesForecast(
        series, result, future_dates(last, series.frequency, horizon.steps), horizon, errors
    )
