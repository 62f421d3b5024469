"""A user's file as a table of cells: CSV/TSV (any common delimiter and encoding) or Excel.

Cells stay raw (text, or the numbers and datetimes Excel stores) so that numbers and dates are
read per column later (``numbers.py``, ``dates.py``). Each row keeps its line number in the
file, so a problem can be reported as "row 14".
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from plugins.forecast.numbers import is_missing
from plugins.forecast.problems import InputProblem

_DELIMITERS = ",;\t|"
_ENCODINGS = ("utf-8-sig", "cp1251", "latin-1")
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True, slots=True)
class Table:
    """Header and rows of one sheet; ``row_numbers[i]`` is row i's line in the file (1-based)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    row_numbers: tuple[int, ...]
    delimiter: str | None  # None for Excel

    def column(self, index: int) -> list[object]:
        return [row[index] if index < len(row) else None for row in self.rows]


def read_table(data: bytes, file_name: str, *, max_rows: int) -> Table:
    """Parse the file; ``InputProblem`` when it is empty, not a table, or too long."""
    if not data.strip():
        raise InputProblem("file_empty")
    name = file_name.lower()
    if data.startswith(_XLS_MAGIC) or name.endswith(".xls"):
        raise InputProblem("xls_old_format")
    if data.startswith(_XLSX_MAGIC) or name.endswith((".xlsx", ".xlsm")):
        return _read_excel(data, max_rows=max_rows)
    return _read_text(_decode(data), max_rows=max_rows)


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise InputProblem("not_a_table")
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputProblem("not_a_table")  # latin-1 decodes anything; kept for the type checker


def _sniff(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()][:50]
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        # The Sniffer gives up on short or irregular samples: take the delimiter that splits
        # the header into most fields and the same number on the next lines.
        counts = {d: lines[0].count(d) for d in _DELIMITERS} if lines else {}
        best = max(counts, key=lambda d: counts[d], default=",")
        return best if counts.get(best) else ","


def _read_text(text: str, *, max_rows: int) -> Table:
    delimiter = _sniff(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[object, ...]] = []
    numbers: list[int] = []
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip() for cell in record]
                continue
            if len(rows) >= max_rows:
                raise InputProblem("too_many_rows", limit=max_rows)
            rows.append(tuple(record))
            numbers.append(line)
    except csv.Error as exc:
        raise InputProblem("not_a_table") from exc
    return _finish(header, rows, numbers, delimiter)


def _read_excel(data: bytes, *, max_rows: int) -> Table:
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # only for Excel files

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputProblem("excel_unreadable") from exc
    try:
        sheet = book.worksheets[0]
        header: list[str] | None = None
        rows: list[tuple[object, ...]] = []
        numbers: list[int] = []
        for line, record in enumerate(sheet.iter_rows(values_only=True), start=1):
            if all(is_missing(cell) for cell in record):
                continue
            if header is None:
                header = ["" if cell is None else str(cell).strip() for cell in record]
                continue
            if len(rows) >= max_rows:
                raise InputProblem("too_many_rows", limit=max_rows)
            rows.append(tuple(record))
            numbers.append(line)
    finally:
        book.close()
    return _finish(header, rows, numbers, None)


def _finish(
    header: list[str] | None,
    rows: list[tuple[object, ...]],
    numbers: list[int],
    delimiter: str | None,
) -> Table:
    if header is None or not rows:
        raise InputProblem("file_empty")
    if len(header) < 2:
        raise InputProblem("one_column")
    width = max(len(header), *(len(r) for r in rows))
    names = [name or f"column {i + 1}" for i, name in enumerate(header)]
    names += [f"column {i + 1}" for i in range(len(names), width)]
    return Table(tuple(names), tuple(rows), tuple(numbers), delimiter)
