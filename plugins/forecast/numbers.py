"""Numbers as people write them in spreadsheets: ``1234.5``, ``1 234,5``, ``1,234.5``, ``12%``.

The decimal separator is decided once per column, not per cell: in ``1,234`` the comma is a
thousands separator if other cells of the column look like ``1,234.50``, a decimal comma if
they look like ``0,75``. Files exported with a Russian locale use ``;`` between fields and a
decimal comma, so that is the default when a column gives no other clue and the file's
delimiter is not a comma.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_PLAIN = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_GROUPED_DOT_DECIMAL = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_GROUPED_COMMA_DECIMAL = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$")
_DECORATION = re.compile(r"^[$€£₽]|[$€£₽%]$|\s?(руб\.?|р\.|usd|eur)$", re.IGNORECASE)
MISSING_MARKS = frozenset({"", "-", "–", "—", "na", "n/a", "nan", "null", "none", "#n/a"})


def is_missing(cell: object) -> bool:
    """An empty cell or a conventional "no value" mark (a gap, not an error)."""
    if cell is None:
        return True
    if isinstance(cell, float):
        return math.isnan(cell)
    return isinstance(cell, str) and cell.strip().lower() in MISSING_MARKS


def _clean(text: str) -> str:
    text = _SPACES.sub("", text.strip())
    return _DECORATION.sub("", text).strip()


def decimal_comma_for(cells: Sequence[str], *, delimiter: str | None) -> bool:
    """Whether the comma is this column's decimal separator (see the module docstring)."""
    votes_comma = votes_dot = 0
    for raw in cells:
        text = _clean(raw)
        if _GROUPED_DOT_DECIMAL.match(text) and "." in text:
            votes_dot += 1
        elif _GROUPED_COMMA_DECIMAL.match(text) and "," in text:
            votes_comma += 1
        elif "," in text and "." not in text:
            # "0,75" or "12,5" can only be a decimal comma; "1,234" is ambiguous.
            integer, _, fraction = text.lstrip("+-").partition(",")
            if len(fraction) != 3 or integer in ("", "0"):
                votes_comma += 1
        elif "." in text and "," not in text:
            integer, _, fraction = text.lstrip("+-").partition(".")
            if len(fraction) != 3 or integer in ("", "0"):
                votes_dot += 1
    if votes_comma != votes_dot:
        return votes_comma > votes_dot
    return delimiter is not None and delimiter != ","


def parse_number(cell: object, *, decimal_comma: bool) -> float | None:
    """The cell's value, or None when it is not a number (the caller names the row)."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        value = float(cell)
        return value if math.isfinite(value) else None
    if not isinstance(cell, str):
        return None
    text = _clean(cell)
    if decimal_comma:
        text = text.replace(".", "") if _GROUPED_COMMA_DECIMAL.match(text) else text
        text = text.replace(",", ".")
    else:
        text = text.replace(",", "") if _GROUPED_DOT_DECIMAL.match(text) else text
    if text.startswith("(") and text.endswith(")"):  # accounting negatives: (120) = -120
        text = "-" + text[1:-1]
    if not _PLAIN.match(text) or text.count(".") > 1 or "," in text:
        return None
    value = float(text)
    return value if math.isfinite(value) else None
