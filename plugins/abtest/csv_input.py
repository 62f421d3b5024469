"""An analyst's CSV into ``Samples``: columns ``group``, ``value`` and optionally ``pre``.

One row per user. The header names the columns (any order, any case; other columns are
ignored). Commas, semicolons and tabs separate fields; with semicolons a decimal comma is
read too, as spreadsheets in Russian locales write it. ``true``/``false`` count as 1/0, so
"did the user convert" columns work as they are exported. The control is the group called
control (or A, or контроль) when there is one, else the first group in the file.

Every problem is a ``CsvError`` naming the line and the value, so the sender can fix it.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd  # type: ignore[import-untyped, unused-ignore]

from plugins.abtest.samples import Floats, Group, Samples

GROUP_NAMES = ("group", "variant", "группа", "вариант")
VALUE_NAMES = ("value", "metric", "значение")
PRE_NAMES = ("pre", "pre_value", "до")
CONTROL_NAMES = ("control", "a", "контроль", "контрольная")
MAX_GROUPS = 10
TRUE_FALSE = {"true": 1.0, "false": 0.0, "yes": 1.0, "no": 0.0}
_PANDAS_LINE = re.compile(r"line (\d+)")


class CsvError(Exception):
    """``key`` is a locale key of the plugin; ``values`` fill its template."""

    def __init__(self, key: str, values: dict[str, Any] | None = None) -> None:
        super().__init__(key, values)
        self.key = key
        self.values = values or {}


def read_samples(data: bytes) -> Samples:
    text = _decode(data)
    if not text.strip():
        raise CsvError("csv_empty")
    header = text.lstrip("\ufeff").splitlines()[0]
    delimiter = _delimiter(header)
    columns = [
        c.strip().strip('"').lower() for c in next(csv.reader([header], delimiter=delimiter))
    ]
    group_col = _find(columns, GROUP_NAMES)
    value_col = _find(columns, VALUE_NAMES)
    if group_col is None or value_col is None:
        raise CsvError("csv_header", {"found": ", ".join(columns) or "—"})
    pre_col = _find(columns, PRE_NAMES)
    fast = _read_clean(text, delimiter, len(columns), group_col, value_col, pre_col)
    if fast is not None:
        return fast
    # Something is off: read every field as text to say exactly what, and where.
    frame = _parse(text, delimiter)
    comma = delimiter == ";"
    if frame.shape[1] > len(columns):
        raise CsvError("csv_fields", {"line": 2})
    frame = frame.dropna(how="all")
    if frame.empty:
        raise CsvError("csv_no_rows")
    lines = frame.index.to_numpy() + 2  # the header is line 1
    if frame.shape[1] <= max(group_col, value_col, pre_col or 0):
        raise CsvError("csv_fields", {"line": int(lines[0])})
    groups = frame.iloc[:, group_col].astype("string").str.strip()
    missing = (groups.isna() | (groups == "")).to_numpy(dtype=bool)
    if missing.any():
        raise CsvError("csv_no_group", {"line": int(lines[int(np.argmax(missing))])})
    values = _numbers(frame.iloc[:, value_col], lines, columns[value_col], comma)
    pre = None
    if pre_col is not None:
        pre = _numbers(frame.iloc[:, pre_col], lines, columns[pre_col], comma)
    names, codes = np.unique(groups.to_numpy(dtype=object), return_inverse=True)
    return _split([str(n) for n in names], codes, values, pre)


def _read_clean(
    text: str, delimiter: str, width: int, group_col: int, value_col: int, pre_col: int | None
) -> Samples | None:
    """The fast way, for a well-formed file of plain numbers (a million rows in a fraction of a
    second): typed columns straight from pandas' C parser. None when anything is unusual."""
    numeric = [value_col] if pre_col is None else [value_col, pre_col]
    dtypes: dict[int, Any] = {i: str for i in range(width)}
    dtypes.update({group_col: "category", **{i: np.float64 for i in numeric}})
    try:
        frame = pd.read_csv(
            io.StringIO(text.lstrip("\ufeff")),
            sep=delimiter,
            decimal="," if delimiter == ";" else ".",
            header=None,
            skiprows=1,
            dtype=dtypes,
            engine="c",
        )
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    if frame.shape[1] != width or frame.empty:
        return None
    groups = frame.iloc[:, group_col]
    names = [str(name) for name in groups.cat.categories]
    if groups.isna().any() or any(not n or n != n.strip() for n in names):
        return None
    values = frame.iloc[:, value_col].to_numpy(dtype=np.float64)
    pre = frame.iloc[:, pre_col].to_numpy(dtype=np.float64) if pre_col is not None else None
    if not np.isfinite(values).all() or (pre is not None and not np.isfinite(pre).all()):
        return None
    codes = groups.cat.codes.to_numpy(dtype=np.int64)
    return _split(names, codes, values, pre)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise CsvError("csv_binary")
    return data.decode("cp1251")  # total over all bytes: a Windows export in Russian


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise CsvError("csv_header", {"found": header.strip()[:60] or "—"})
    return best


def _find(columns: list[str], names: tuple[str, ...]) -> int | None:
    for i, column in enumerate(columns):
        if column in names:
            return i
    return None


def _parse(text: str, delimiter: str) -> pd.DataFrame:
    try:
        return pd.read_csv(
            io.StringIO(text.lstrip("\ufeff")),
            sep=delimiter,
            header=None,
            skiprows=1,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        raise CsvError("csv_no_rows") from None
    except pd.errors.ParserError as exc:
        # "Expected 2 fields in line 7, saw 3": pandas counts the file's lines from 1.
        found = _PANDAS_LINE.search(str(exc))
        line = int(found.group(1)) if found else 0
        raise CsvError("csv_fields", {"line": line}) from None


def _numbers(column: pd.Series, lines: npt.NDArray[np.int64], name: str, comma: bool) -> Floats:
    raw = column.astype("string").str.strip()
    if comma:
        raw = raw.str.replace(",", ".", regex=False)
    mapped = raw.str.lower().map(TRUE_FALSE)
    numeric = pd.to_numeric(raw.where(mapped.isna(), None), errors="coerce")
    values: Floats = np.asarray(
        mapped.astype("Float64").fillna(numeric).to_numpy(dtype=np.float64, na_value=np.nan),
        dtype=np.float64,
    )
    bad = ~np.isfinite(values)
    if bad.any():
        at = int(np.argmax(bad))
        shown = raw.iloc[at]
        if pd.isna(shown) or shown == "":
            raise CsvError("csv_empty_value", {"line": int(lines[at]), "column": name})
        raise CsvError(
            "csv_not_a_number", {"line": int(lines[at]), "column": name, "value": shown[:40]}
        )
    return values


def _split(
    names: list[str], codes: npt.NDArray[np.int64], values: Floats, pre: Floats | None
) -> Samples:
    """Rows into groups: ``codes`` index ``names``; the control first, then file order."""
    present, first_seen = np.unique(codes, return_index=True)
    if len(present) < 2:
        raise CsvError("csv_one_group", {"group": names[int(present[0])] if len(present) else "—"})
    if len(present) > MAX_GROUPS:
        raise CsvError("csv_many_groups", {"count": len(present), "max": MAX_GROUPS})
    order = [int(present[i]) for i in np.argsort(first_seen)]
    controls = [i for i in order if names[i].lower() in CONTROL_NAMES]
    if controls:
        order.remove(controls[0])
        order.insert(0, controls[0])
    built = []
    for i in order:
        mask = codes == i
        if int(mask.sum()) < 2:
            raise CsvError("csv_small_group", {"group": names[i]})
        built.append(Group(names[i], values[mask], pre[mask] if pre is not None else None))
    return Samples.of(built)
