"""The forecast as a CSV document: one row per series and step, with the interval bounds.

Column names are a stable, machine-readable schema (``date, series, forecast, lo_80, hi_80,
...``), not translated. The number format follows the reader's spreadsheet: for Russian
users ``;`` between fields and a decimal comma (what Excel and LibreOffice expect in a
Russian locale), otherwise ``,`` and a decimal point.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from plugins.forecast.forecasting import SeriesForecast


def write_forecast_csv(results: Sequence[SeriesForecast], path: Path, *, lang: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    russian = lang == "ru"
    levels = sorted(results[0].forecast.bounds) if results else []
    header = ["date", "series", "forecast"]
    for level in levels:
        header += [f"lo_{level}", f"hi_{level}"]

    def number(value: float) -> str:
        text = f"{value:.6g}" if abs(value) < 1e15 else f"{value:.0f}"
        return text.replace(".", ",") if russian else text

    with path.open("w", encoding="utf-8-sig" if russian else "utf-8", newline="") as file:
        writer = csv.writer(file, delimiter=";" if russian else ",")
        writer.writerow(header)
        for result in results:
            hourly = result.series.frequency.name == "hour"
            for step, moment in enumerate(result.dates):
                row = [
                    moment.strftime("%Y-%m-%d %H:%M" if hourly else "%Y-%m-%d"),
                    result.series.name,
                    number(float(result.forecast.mean[step])),
                ]
                for level in levels:
                    low, high = result.forecast.bounds[level]
                    row += [number(float(low[step])), number(float(high[step]))]
                writer.writerow(row)
    return path
