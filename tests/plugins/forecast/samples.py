"""Small files and series for the forecast tests, made here rather than shipped."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import numpy as np
import numpy.typing as npt


def seasonal_trend(n: int, *, period: int = 12, level: float = 100.0, slope: float = 0.5,
                   amplitude: float = 10.0) -> npt.NDArray[np.float64]:  # fmt: skip
    """A pure sine season on a straight line: its continuation is known exactly."""
    t = np.arange(n, dtype=float)
    return level + slope * t + amplitude * np.sin(2 * np.pi * t / period)


def month_starts(first: date, n: int) -> list[date]:
    out, year, month = [], first.year, first.month
    for _ in range(n):
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def monthly_csv(
    n: int = 48,
    *,
    delimiter: str = ",",
    decimal_comma: bool = False,
    date_format: str = "%Y-%m-%d",
    columns: tuple[str, ...] = ("sales",),
) -> bytes:
    """A header and ``n`` monthly rows from January 2020; one series per value column."""
    lines = [delimiter.join(("date", *columns))]
    for i, day in enumerate(month_starts(date(2020, 1, 1), n)):
        values = [f"{seasonal_trend(n)[i] * (k + 1):.2f}" for k in range(len(columns))]
        if decimal_comma:
            values = [v.replace(".", ",") for v in values]
        lines.append(delimiter.join((day.strftime(date_format), *values)))
    return ("\n".join(lines) + "\n").encode()


def trend_csv(slope: float, *, level: float = 100.0, n: int = 48) -> bytes:
    """Monthly ``sales`` from January 2020: a clear trend under a yearly sine season."""
    values = seasonal_trend(n, slope=slope, level=level)
    days = month_starts(date(2020, 1, 1), n)
    return csv_of(
        "date,sales", [f"{d:%Y-%m-%d},{v:.2f}" for d, v in zip(days, values, strict=True)]
    )


def daily_rows(n: int, start: datetime = datetime(2024, 1, 1)) -> list[tuple[datetime, float]]:
    return [(start + timedelta(days=i), 50 + 5 * np.sin(2 * np.pi * i / 7)) for i in range(n)]


def csv_of(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def xlsx_of(header: list[str], rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
