"""Numbers, dates and tables as people send them; every broken file gets its own problem."""

from __future__ import annotations

from datetime import datetime

import pytest

from plugins.forecast.dates import first_bad_date, parse_date_column
from plugins.forecast.numbers import decimal_comma_for, parse_number
from plugins.forecast.problems import InputProblem
from plugins.forecast.table import read_table
from tests.plugins.forecast.samples import csv_of, monthly_csv, xlsx_of


@pytest.mark.parametrize(
    ("cells", "delimiter", "expected"),
    [
        (["0,75", "12,5"], ";", [0.75, 12.5]),
        (["1 234,5", "2 000,25"], ";", [1234.5, 2000.25]),
        (["1.234,5", "2.000,25"], ";", [1234.5, 2000.25]),
        (["1,234.5", "2,000.25"], ",", [1234.5, 2000.25]),
        (["12.5", "3"], ",", [12.5, 3.0]),
        (["1,234", "5,678"], ",", [1234.0, 5678.0]),
        (["1\u00a0234", "15%"], ";", [1234.0, 15.0]),
        (["(120)", "-3"], ",", [-120.0, -3.0]),
    ],
)
def test_numbers_in_either_convention(
    cells: list[str], delimiter: str, expected: list[float]
) -> None:
    comma = decimal_comma_for(cells, delimiter=delimiter)
    assert [parse_number(c, decimal_comma=comma) for c in cells] == expected


@pytest.mark.parametrize("cell", ["abc", "1.2.3", "12 кг 5", "--", "1e"])
def test_words_are_not_numbers(cell: str) -> None:
    assert parse_number(cell, decimal_comma=False) is None


@pytest.mark.parametrize(
    ("cells", "first"),
    [
        (["2024-01-31", "2024-02-29"], datetime(2024, 1, 31)),
        (["31.01.2024", "29.02.2024"], datetime(2024, 1, 31)),
        (["31.01.24", "29.02.24"], datetime(2024, 1, 31)),
        (["01/31/2024", "02/29/2024"], datetime(2024, 1, 31)),
        (["Jan 2024", "Feb 2024"], datetime(2024, 1, 1)),
        (["январь 2024", "февраль 2024"], datetime(2024, 1, 1)),
        (["янв. 2024", "фев. 2024"], datetime(2024, 1, 1)),
        (["2024Q1", "2024Q2"], datetime(2024, 1, 1)),
        (["1 кв. 2024", "2 кв. 2024"], datetime(2024, 1, 1)),
        (["2023", "2024"], datetime(2023, 1, 1)),
        (["2024-01-01 13:00", "2024-01-01 14:00"], datetime(2024, 1, 1, 13)),
    ],
)
def test_date_formats(cells: list[str], first: datetime) -> None:
    parsed = parse_date_column(cells)
    assert parsed is not None and parsed[0] == first


def test_ambiguous_day_and_month_take_the_steadier_reading() -> None:
    # Day-first: 1 Feb, 1 Mar, ... (monthly); month-first: 2, 3, ... January (daily). Both
    # are steady; day-first wins. A day above 12 settles it the other way.
    cells = ["01/02/2024", "01/03/2024", "01/04/2024", "01/05/2024", "01/06/2024"]
    monthly = parse_date_column(cells)
    assert monthly is not None and monthly[1] == datetime(2024, 3, 1)
    only_one_way = parse_date_column(["12/31/2023", "01/13/2024"])
    assert only_one_way is not None and only_one_way[1] == datetime(2024, 1, 13)


def test_a_column_with_one_bad_date_is_not_a_date_column() -> None:
    cells = ["2024-01-01", "2024-02-01", "2024-13-45"]
    assert parse_date_column(cells) is None
    assert first_bad_date(cells) == 2


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(delimiter: str) -> None:
    table = read_table(monthly_csv(12, delimiter=delimiter), "data.csv", max_rows=100)
    assert table.columns == ("date", "sales")
    assert len(table.rows) == 12
    assert table.delimiter == delimiter


def test_windows_1251_and_row_numbers_of_the_file() -> None:
    data = "Дата;Выручка\n\n01.01.2024;1,5\n01.02.2024;2,5\n".encode("cp1251")
    table = read_table(data, "выручка.csv", max_rows=100)
    assert table.columns == ("Дата", "Выручка")
    assert table.row_numbers == (3, 4)  # the blank line is skipped but still counted


def test_excel_cells_keep_their_types() -> None:
    data = xlsx_of(["month", "sales"], [[datetime(2024, 1, 1), 10.5], [datetime(2024, 2, 1), 11]])
    table = read_table(data, "sales.xlsx", max_rows=100)
    assert table.delimiter is None
    assert table.rows[0] == (datetime(2024, 1, 1), 10.5)
    assert table.row_numbers == (2, 3)


@pytest.mark.parametrize(
    ("data", "name", "key"),
    [
        (b"", "a.csv", "file_empty"),
        (b"   \n\n", "a.csv", "file_empty"),
        (b"date,sales\n", "a.csv", "file_empty"),
        (b"sales\n1\n2\n", "a.csv", "one_column"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "a.xls", "xls_old_format"),
        (b"PK\x03\x04 not really a zip", "a.xlsx", "excel_unreadable"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "a.png", "not_a_table"),
    ],
)
def test_unreadable_files(data: bytes, name: str, key: str) -> None:
    with pytest.raises(InputProblem) as caught:
        read_table(data, name, max_rows=100)
    assert caught.value.key == key


def test_row_limit_from_config() -> None:
    with pytest.raises(InputProblem) as caught:
        read_table(monthly_csv(30), "a.csv", max_rows=20)
    assert caught.value.key == "too_many_rows" and caught.value.values == {"limit": 20}
    with pytest.raises(InputProblem):
        read_table(xlsx_of(["d", "v"], [[f"2024-01-{i + 1:02d}", i] for i in range(25)]), "a.xlsx",
                   max_rows=20)  # fmt: skip


def test_a_ragged_csv_still_reads() -> None:
    table = read_table(
        csv_of("date,sales", ["2024-01-01,1,extra", "2024-02-01"]), "a.csv", max_rows=9
    )
    assert table.columns == ("date", "sales", "column 3")
    assert table.column(1) == ["1", None]
