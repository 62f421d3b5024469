"""From a table of cells to regular time series: the date column, the value columns, the
frequency, duplicates, gaps and irregular sampling.

The rules, each reported to the user when it applied:
- the date column is the first whose every cell reads as a date (columns named like a date,
  ``date``/``дата``/``month``/..., are tried first);
- value columns are the other columns that are numbers; a column that is mostly text is left
  out, a number column with a stray word fails with the row named;
- rows with the same timestamp are averaged;
- the frequency is the spacing most timestamps have (hour, day, week, month, quarter, year),
  or for irregular ones the period their median spacing falls in; timestamps are put on that
  grid (the start of their hour, day, week, month, ...); several timestamps in one period
  mean the sampling is irregular: the period's values are averaged (an average, not a sum, so
  a period with more readings does not look bigger);
- missing periods and empty cells inside the series are filled by linear interpolation; more
  than ``MAX_GAP_SHARE`` of them is refused, since the forecast would mostly model the filling.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from plugins.forecast.dates import first_bad_date, parse_date_column
from plugins.forecast.numbers import decimal_comma_for, is_missing, parse_number
from plugins.forecast.problems import InputProblem
from plugins.forecast.table import Table

MAX_GAP_SHARE = 0.3
MIN_OBSERVATIONS = 3
_DATE_NAME = re.compile(
    r"date|time|day|week|month|quarter|year|period|дата|время|день|недел|месяц|квартал|год|период",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Frequency:
    """A sampling frequency: its name (locale key suffix), pandas period alias, season length."""

    name: str
    period: str
    season_length: int


FREQUENCIES = {
    "hour": Frequency("hour", "h", 24),
    "day": Frequency("day", "D", 7),
    "week": Frequency("week", "W", 52),
    "month": Frequency("month", "M", 12),
    "quarter": Frequency("quarter", "Q", 4),
    "year": Frequency("year", "Y", 1),
}
_STANDARD_SPACINGS = (
    (0.95 / 24, 1.05 / 24, "hour"), (23 / 24, 25 / 24, "day"), (6.9, 7.1, "week"),
    (28, 31.1, "month"), (89, 92.1, "quarter"), (365, 366.1, "year"),
)  # fmt: skip
# Upper bounds of the median spacing, in days, for each frequency.
_SPACING_DAYS = (
    (1.5 / 24, "hour"), (1.5, "day"), (10, "week"), (45, "month"), (120, "quarter"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Note:
    """Something done to the data that the user should know: locale key and values."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PreparedSeries:
    """One value column on a regular grid, ready for the engine."""

    name: str
    dates: tuple[datetime, ...]
    values: npt.NDArray[np.float64]
    frequency: Frequency
    notes: tuple[Note, ...]


def prepare(table: Table, *, column: str | None = None, max_series: int) -> list[PreparedSeries]:
    """The series to forecast from ``table`` (only ``column`` when given)."""
    date_index, stamps = _date_column(table)
    candidates = _value_columns(table, exclude=date_index)
    if column:
        candidates = [_pick_column(table, candidates, column)]
    if not candidates:
        raise InputProblem("no_value_column", columns=", ".join(table.columns))
    notes: list[Note] = []
    if len(candidates) > max_series:
        notes.append(Note("too_many_columns", {"limit": max_series, "count": len(candidates)}))
        candidates = candidates[:max_series]
    skipped = sum(1 for s in stamps if s is None)
    if skipped:
        notes.append(Note("rows_without_date", {"count": skipped}))
    return [_regular(table.columns[i], stamps, values, notes) for i, values in candidates]


def _date_column(table: Table) -> tuple[int, list[datetime | None]]:
    order = sorted(
        range(len(table.columns)), key=lambda i: not _DATE_NAME.search(table.columns[i])
    )
    for index in order:
        parsed = parse_date_column(table.column(index))
        if parsed is not None:
            return index, parsed
    for index in order:
        if _DATE_NAME.search(table.columns[index]):
            bad = first_bad_date(table.column(index))
            if bad is not None:
                raise InputProblem(
                    "bad_date",
                    row=table.row_numbers[bad],
                    column=table.columns[index],
                    value=str(table.rows[bad][index]),
                )
    raise InputProblem("no_date_column", columns=", ".join(table.columns))


def _value_columns(table: Table, *, exclude: int) -> list[tuple[int, list[float | None]]]:
    out: list[tuple[int, list[float | None]]] = []
    for index in range(len(table.columns)):
        if index == exclude:
            continue
        cells = table.column(index)
        present = [c for c in cells if not is_missing(c)]
        if not present:
            continue
        comma = decimal_comma_for(
            [c for c in present if isinstance(c, str)], delimiter=table.delimiter
        )
        values = [None if is_missing(c) else parse_number(c, decimal_comma=comma) for c in cells]
        bad = [
            i
            for i, (c, v) in enumerate(zip(cells, values, strict=True))
            if v is None and not is_missing(c)
        ]
        if len(bad) * 2 >= len(present):
            continue  # a text column (names, comments): not a series
        if bad:
            first = bad[0]
            raise InputProblem(
                "not_a_number",
                row=table.row_numbers[first],
                column=table.columns[index],
                value=str(cells[first]),
            )
        out.append((index, values))
    return out


def _pick_column(
    table: Table, candidates: list[tuple[int, list[float | None]]], wanted: str
) -> tuple[int, list[float | None]]:
    from rapidfuzz import fuzz, process

    names = [table.columns[i] for i, _ in candidates]
    best = process.extractOne(wanted.strip(), names, scorer=fuzz.WRatio, score_cutoff=70)
    if best is None:
        raise InputProblem("column_not_found", column=wanted.strip(), columns=", ".join(names))
    return candidates[best[2]]


def detect_frequency(stamps: Sequence[datetime]) -> Frequency:
    """The usual spacing of the timestamps: the standard period most of the spacings are (a
    gap makes one spacing longer, but not most), else the one the median spacing falls in."""
    unique = sorted(set(stamps))
    if len(unique) < 2:
        raise InputProblem("too_short", count=len(unique), minimum=MIN_OBSERVATIONS)
    spacing = np.diff(np.array(unique, dtype="datetime64[s]")).astype(float) / 86400
    kinds = [kind for days in spacing if (kind := _standard(float(days))) is not None]
    if kinds:
        common = max(FREQUENCIES, key=kinds.count)
        if kinds.count(common) * 2 > spacing.size:
            return FREQUENCIES[common]
    median = float(np.median(spacing))
    for limit, name in _SPACING_DAYS:
        if median < limit:
            return FREQUENCIES[name]
    return FREQUENCIES["year"]


def _standard(days: float) -> str | None:
    """The standard period a spacing is (23–25 h is a day: clocks change), or None."""
    for low, high, name in _STANDARD_SPACINGS:
        if low <= days <= high:
            return name
    return None


def _regular(
    name: str, stamps: list[datetime | None], values: list[float | None], shared: list[Note]
) -> PreparedSeries:
    import pandas as pd  # type: ignore[import-untyped]

    pairs = [(s, v) for s, v in zip(stamps, values, strict=True) if s is not None]
    frame = pd.DataFrame({"t": [s for s, _ in pairs], "v": [v for _, v in pairs]}, dtype=object)
    frame["v"] = pd.to_numeric(frame["v"], errors="coerce")
    notes = list(shared)
    duplicates = int(frame["t"].duplicated().sum())
    if duplicates:
        notes.append(Note("duplicates_averaged", {"count": duplicates}))
    frame = frame.groupby("t", sort=True)["v"].mean().reset_index()
    frequency = detect_frequency(list(frame["t"]))
    alias = _period_alias(frequency, frame["t"].iloc[0])
    frame["p"] = pd.to_datetime(frame["t"]).dt.to_period(alias).dt.start_time
    per_period = frame.groupby("p")["v"]
    if int(per_period.size().max()) > 1:
        notes.append(Note("resampled", {"frequency": frequency.name}))
    series = per_period.mean()  # NaN-skipping: an empty cell beside a full one is no gap
    full = pd.period_range(series.index.min(), series.index.max(), freq=alias).start_time
    series = series.reindex(full)
    observed = series.dropna()
    if observed.size < MIN_OBSERVATIONS:
        raise InputProblem("too_short", count=int(observed.size), minimum=MIN_OBSERVATIONS)
    series = series.loc[observed.index[0] : observed.index[-1]]
    gaps = int(series.isna().sum())
    if gaps > MAX_GAP_SHARE * series.size:
        raise InputProblem("too_many_gaps", column=name, gaps=gaps, total=int(series.size))
    if gaps:
        notes.append(Note("gaps_filled", {"count": gaps, "column": name}))
        series = series.interpolate(method="linear")
    dates = tuple(ts.to_pydatetime() for ts in series.index)
    return PreparedSeries(name, dates, series.to_numpy(dtype=float), frequency, tuple(notes))


def _period_alias(frequency: Frequency, first: datetime) -> str:
    if frequency.name != "week":
        return frequency.period
    # Weeks start on the weekday of the first date: weekly data on Sundays stays on Sundays.
    days = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
    return f"W-{days[(first.weekday() - 1) % 7]}"


_STEP_ALIASES = {
    "hour": "h",
    "day": "D",
    "week": "7D",
    "month": "MS",
    "quarter": "QS",
    "year": "YS",
}


def future_dates(last: datetime, frequency: Frequency, steps: int) -> tuple[datetime, ...]:
    """The ``steps`` period starts after ``last`` on the series' grid."""
    import pandas as pd

    grid = pd.date_range(start=last, periods=steps + 1, freq=_STEP_ALIASES[frequency.name])
    # The grid starts at ``last`` itself when it is a period start, else at the next one.
    return tuple(ts.to_pydatetime() for ts in grid if ts > last)[:steps]
