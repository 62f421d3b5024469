"""From a table to regular series: columns, frequency, duplicates, gaps, irregular dates, and
one precise problem for each thing that cannot be fixed."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from plugins.forecast.problems import InputProblem
from plugins.forecast.series import PreparedSeries, future_dates, prepare
from plugins.forecast.table import read_table
from tests.plugins.forecast.samples import csv_of, monthly_csv, xlsx_of


def _prepare(
    data: bytes, name: str = "data.csv", *, column: str | None = None, max_series: int = 4
) -> list[PreparedSeries]:
    table = read_table(data, name, max_rows=10_000)
    return prepare(table, column=column, max_series=max_series)


def _problem(data: bytes, *, column: str | None = None) -> InputProblem:
    with pytest.raises(InputProblem) as caught:
        _prepare(data, column=column)
    return caught.value


def _keys(series: PreparedSeries) -> list[str]:
    return [note.key for note in series.notes]


def test_monthly_file_with_decimal_comma_and_russian_dates() -> None:
    data = monthly_csv(24, delimiter=";", decimal_comma=True, date_format="%d.%m.%Y")
    [series] = _prepare(data)
    assert series.frequency.name == "month" and series.frequency.season_length == 12
    assert series.dates[0] == datetime(2020, 1, 1) and len(series.dates) == 24
    assert series.values[1] == pytest.approx(100.5 + 10 * np.sin(np.pi / 6), abs=0.01)
    assert series.notes == ()


def test_several_value_columns_and_a_text_column_left_out() -> None:
    rows = [f"2024-{m:02d}-01,{m},{m * 2},north" for m in range(1, 13)]
    names = [s.name for s in _prepare(csv_of("date,a,b,region", rows))]
    assert names == ["a", "b"]


def test_more_columns_than_the_limit_keeps_the_first_and_says_so() -> None:
    data = monthly_csv(24, columns=("a", "b", "c"))
    series = _prepare(data, max_series=2)
    assert [s.name for s in series] == ["a", "b"]
    assert _keys(series[0]) == ["too_many_columns"]


def test_a_named_column_is_found_fuzzily() -> None:
    data = monthly_csv(24, columns=("Revenue", "Orders"))
    [series] = _prepare(data, column="orders")
    assert series.name == "Orders"
    problem = _problem(data, column="profit")
    assert problem.key == "column_not_found" and problem.values["columns"] == "Revenue, Orders"


def test_duplicate_timestamps_are_averaged() -> None:
    rows = [f"2024-{m:02d}-01,{m}" for m in range(1, 13)] + ["2024-03-01,5"]
    [series] = _prepare(csv_of("date,v", rows))
    assert series.values[2] == pytest.approx(4.0)  # (3 + 5) / 2
    assert _keys(series) == ["duplicates_averaged"]


def test_gaps_are_filled_by_linear_interpolation() -> None:
    rows = [f"2024-{m:02d}-01,{m * 10}" for m in range(1, 13) if m not in (4, 5)]
    rows[3] = "2024-06-01,"  # an empty cell is a gap too
    [series] = _prepare(csv_of("date,v", rows))
    assert len(series.dates) == 12
    assert series.values[3] == pytest.approx(40.0) and series.values[4] == pytest.approx(50.0)
    assert _keys(series) == ["gaps_filled"]
    assert series.notes[0].values == {"count": 3, "column": "v"}


def test_too_many_gaps_is_refused() -> None:
    rows = [f"2024-{m:02d}-01,{m}" for m in (1, 2, 3, 4, 10, 11, 12)]
    problem = _problem(csv_of("date,v", rows))
    assert problem.key == "too_many_gaps"
    assert problem.values == {"column": "v", "gaps": 5, "total": 12}


def test_irregular_sampling_is_averaged_per_period_with_the_rule_stated() -> None:
    # Readings at uneven times of day, one to three a day: resampled to daily means.
    stamps = ["2024-01-01 08:00", "2024-01-01 20:00", "2024-01-02 09:30", "2024-01-03 07:00",
              "2024-01-03 12:00", "2024-01-03 18:00", "2024-01-04 10:00", "2024-01-05 11:00",
              "2024-01-06 08:00", "2024-01-07 16:00"]  # fmt: skip
    rows = [f"{s},{i}" for i, s in enumerate(stamps)]
    [series] = _prepare(csv_of("time,v", rows))
    assert series.frequency.name == "day"
    assert series.values[0] == pytest.approx(0.5) and series.values[2] == pytest.approx(4.0)
    assert series.notes[0].key == "resampled" and series.notes[0].values == {"frequency": "day"}


@pytest.mark.parametrize(
    ("dates", "frequency"),
    [
        ([f"2024-01-01 {h:02d}:00" for h in range(10)], "hour"),
        ([f"2024-01-{d:02d}" for d in range(1, 11)], "day"),
        (
            [f"2024-{m:02d}-{d:02d}" for m, d in ((1, 1), (1, 8), (1, 15), (1, 22), (1, 29))],
            "week",
        ),
        ([f"{q} 2024" for q in ("Q1", "Q2", "Q3", "Q4")], "quarter"),
        ([str(y) for y in range(2015, 2024)], "year"),
    ],
)
def test_frequency_is_detected(dates: list[str], frequency: str) -> None:
    [series] = _prepare(csv_of("date,v", [f"{d},{i}" for i, d in enumerate(dates)]))
    assert series.frequency.name == frequency
    assert len(series.dates) == len(dates)


def test_weekly_data_keeps_its_weekday() -> None:
    sundays = ["2024-01-07", "2024-01-14", "2024-01-21", "2024-01-28"]
    [series] = _prepare(csv_of("date,v", [f"{d},{i}" for i, d in enumerate(sundays)]))
    assert series.dates[0] == datetime(2024, 1, 7)
    assert future_dates(series.dates[-1], series.frequency, 2) == (
        datetime(2024, 2, 4),
        datetime(2024, 2, 11),
    )


def test_a_non_number_is_reported_with_its_row_and_column() -> None:
    rows = [f"2024-{m:02d}-01,{m}" for m in range(1, 13)]
    rows[6] = "2024-07-01,n/a?"
    problem = _problem(csv_of("date,sales", rows))
    assert problem.key == "not_a_number"
    assert problem.values == {"row": 8, "column": "sales", "value": "n/a?"}  # header is row 1


def test_a_bad_date_is_reported_with_its_row() -> None:
    rows = [f"2024-{m:02d}-01,{m}" for m in range(1, 13)]
    rows[3] = "2024-04-31,4"
    problem = _problem(csv_of("date,sales", rows))
    assert problem.key == "bad_date" and problem.values["row"] == 5


def test_no_date_column() -> None:
    problem = _problem(csv_of("x,y", ["a,1", "b,2", "c,3"]))
    assert problem.key == "no_date_column" and problem.values["columns"] == "x, y"


def test_no_number_column() -> None:
    problem = _problem(csv_of("date,name", ["2024-01-01,a", "2024-02-01,b", "2024-03-01,c"]))
    assert problem.key == "no_value_column"


def test_too_short() -> None:
    problem = _problem(csv_of("date,v", ["2024-01-01,1", "2024-02-01,2"]))
    assert problem.key == "too_short" and problem.values == {"count": 2, "minimum": 3}


def test_rows_without_a_date_are_skipped_and_counted() -> None:
    rows = [f"2024-{m:02d}-01,{m}" for m in range(1, 13)] + [",99"]
    [series] = _prepare(csv_of("date,v", rows))
    assert len(series.dates) == 12 and "rows_without_date" in _keys(series)


def test_excel_dates_and_numbers() -> None:
    rows: list[list[object]] = [[datetime(2023, m, 1), m * 1.5] for m in range(1, 13)]
    [series] = _prepare(xlsx_of(["Месяц", "Выручка"], rows), name="data.xlsx")
    assert series.name == "Выручка" and series.frequency.name == "month"
    assert series.values[-1] == pytest.approx(18.0)
