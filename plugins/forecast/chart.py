"""The forecast picture: history, forecast, and the prediction intervals as shaded bands.

Drawn with matplotlib's object API on the Agg canvas, never ``pyplot`` (global state, GUI
backends; this runs in a worker thread of a server). Portrait, one panel per series, large
type: it is read on a phone. Only the recent history is drawn (``HISTORY_SPAN`` × the
horizon, at least two seasons), so the forecast is not a sliver at the right edge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from plugins.forecast.forecasting import SeriesForecast
from plugins.forecast.wording import MONTHS

if TYPE_CHECKING:
    from matplotlib.axes import Axes

WIDTH_IN, PANEL_HEIGHT_IN, DPI = 6.0, 4.2, 160  # 960 px wide
HISTORY_SPAN = 4
HISTORY_COLOR, FORECAST_COLOR = "#2b2b2b", "#1f6fd1"
BAND_ALPHA = {0: 0.35, 1: 0.18, 2: 0.1}  # narrowest level darkest


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """Texts on the picture, in the user's language."""

    history: str
    forecast: str
    interval: str  # "{level}% interval"
    lang: str


def draw_chart(results: Sequence[SeriesForecast], labels: ChartLabels, path: Path) -> Path:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path.parent.mkdir(parents=True, exist_ok=True)
    height = PANEL_HEIGHT_IN * len(results) + 0.6
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(len(results), 1, squeeze=False)[:, 0]
    for ax, result in zip(axes, results, strict=True):
        _draw_panel(ax, result, labels)
    figure.savefig(path, format="png")
    return path


def _draw_panel(ax: Axes, result: SeriesForecast, labels: ChartLabels) -> None:
    from matplotlib.dates import date2num

    series, fc = result.series, result.forecast
    keep = max(HISTORY_SPAN * len(result.dates), 2 * series.frequency.season_length, 24)
    # datetime64 arrays: what matplotlib's date axis takes, and what its stubs accept.
    history_dates = np.array(series.dates[-keep:], dtype="datetime64[s]")
    history = series.values[-keep:]
    ax.plot(history_dates, history, color=HISTORY_COLOR, linewidth=1.8, label=labels.history)
    # The forecast line starts at the last observation so the two lines join.
    joined_dates = np.array([series.dates[-1], *result.dates], dtype="datetime64[s]")
    for rank, level in enumerate(sorted(fc.bounds, reverse=True)):
        low, high = fc.bounds[level]
        ax.fill_between(
            joined_dates,
            [history[-1], *low],
            [history[-1], *high],
            color=FORECAST_COLOR,
            alpha=BAND_ALPHA.get(len(fc.bounds) - 1 - rank, 0.1),
            linewidth=0,
            label=labels.interval.format(level=level),
        )
    ax.plot(joined_dates, [history[-1], *fc.mean], color=FORECAST_COLOR, linewidth=2.4,
            label=labels.forecast)  # fmt: skip
    start = float(date2num(series.dates[-1]))  # type: ignore[no-untyped-call]
    ax.axvline(start, color="#888888", linestyle="--", linewidth=1)
    ax.set_title(series.name, fontsize=16)
    ax.tick_params(axis="both", labelsize=12)
    ax.grid(alpha=0.3)
    _date_axis(ax, labels.lang, series.frequency.name)
    # Below the axes: inside, it would cover the latest history or the forecast.
    ax.legend(fontsize=11, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2)


def _date_axis(ax: Axes, lang: str, unit: str) -> None:
    """Readable dates in the user's language (matplotlib's own names follow the C locale)."""
    from matplotlib.dates import AutoDateLocator, num2date
    from matplotlib.ticker import FuncFormatter

    months = MONTHS["ru" if lang == "ru" else "en"]

    def label(value: float, _position: int | None = None) -> str:
        moment: datetime = num2date(value)  # type: ignore[no-untyped-call]
        if unit in ("year", "quarter", "month", "week"):
            return (
                f"{months[moment.month - 1]}\n{moment.year}"
                if unit != "year"
                else str(moment.year)
            )
        if unit == "day":
            return f"{moment.day} {months[moment.month - 1]}"
        return f"{moment.day} {months[moment.month - 1]}\n{moment:%H:%M}"

    ax.xaxis.set_major_locator(AutoDateLocator(minticks=3, maxticks=8))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(FuncFormatter(label))
