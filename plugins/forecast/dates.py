"""Dates as they appear in Russian and English spreadsheets: one format per column.

A column is read with the first format that parses every one of its cells, so ``03.04.2024``
is never a 3 April in one row and a 4 March in the next. When both day-first and month-first
parse a whole column (``01/02/2024, 01/03/2024``), the reading with the steadier spacing wins:
a monthly series read the wrong way round looks like days jumping about. When both are
steady (``01/02/2024 … 01/06/2024``: monthly, or five days of January), day-first wins: a
daily file of more than twelve days has a day above 12 and reads only one way. Russian month names
(``январь 2024``, ``янв.24``) are turned into English ones before parsing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from itertools import pairwise

from plugins.forecast.numbers import is_missing

_DAY_FIRST = (
    "%d.%m.%Y", "%d.%m.%y", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d/%m/%Y", "%d/%m/%y",
    "%d-%m-%Y", "%d/%m/%Y %H:%M", "%d %b %Y", "%d %B %Y",
)  # fmt: skip
_MONTH_FIRST = ("%m/%d/%Y", "%m/%d/%y", "%m/%d/%Y %H:%M", "%b %d %Y", "%B %d %Y")
_UNAMBIGUOUS = (
    "%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d", "%Y.%m.%d", "%Y-%m", "%Y.%m", "%Y/%m", "%m.%Y", "%m/%Y", "%m-%Y",
    "%b %Y", "%B %Y", "%b-%Y", "%b-%y", "%b.%y", "%b.%Y", "%b %y", "%Y %b", "%Y-%b",
)  # fmt: skip
_QUARTER = re.compile(
    r"^(?:(\d{4})\s*-?\s*Q([1-4])|Q([1-4])\s*-?\s*(\d{4})|([1-4])\s*кв\.?\s*(\d{4}))$", re.I
)
_YEAR = re.compile(r"^(1[89]\d\d|2[01]\d\d)$")
_RU_MONTHS = (
    ("январ", "янв", "Jan"), ("феврал", "фев", "Feb"), ("март", "мар", "Mar"),
    ("апрел", "апр", "Apr"), ("ма[йя]", "мая", "May"), ("июн", "июн", "Jun"),
    ("июл", "июл", "Jul"), ("август", "авг", "Aug"), ("сентябр", "сен", "Sep"),
    ("октябр", "окт", "Oct"), ("ноябр", "ноя", "Nov"), ("декабр", "дек", "Dec"),
)  # fmt: skip
_RU_MONTH_WORD = re.compile(
    "|".join(
        f"(?P<m{i}>{full}[а-яё]*|{short}[а-яё]*\\.?)"
        for i, (full, short, _) in enumerate(_RU_MONTHS)
    ),
    re.IGNORECASE,
)


def _english_months(text: str) -> str:
    def swap(match: re.Match[str]) -> str:
        index = next(int(name[1:]) for name, value in match.groupdict().items() if value)
        return _RU_MONTHS[index][2]

    return _RU_MONTH_WORD.sub(swap, text)


def _normalise(cell: str) -> str:
    text = " ".join(cell.strip().split())
    text = _english_months(text)
    return text.replace(" г.", "").replace("г.", "").strip()


def _special(text: str) -> datetime | None:
    """Quarters (``2024Q1``, ``Q1 2024``, ``1 кв. 2024``) and bare years."""
    match = _QUARTER.match(text)
    if match:
        groups = [g for g in match.groups() if g]
        year, quarter = (groups[0], groups[1]) if len(groups[0]) == 4 else (groups[1], groups[0])
        return datetime(int(year), 3 * int(quarter) - 2, 1)
    if _YEAR.match(text):
        return datetime(int(text), 1, 1)
    return None


def _parse_all(texts: Sequence[str], fmt: str) -> list[datetime] | None:
    parsed: list[datetime] = []
    for text in texts:
        try:
            parsed.append(datetime.strptime(text, fmt))
        except ValueError:
            return None
    return parsed


def _spacing(days: int) -> int | str:
    """A gap in days, with the calendar's uneven months, quarters and years made equal."""
    for low, high, name in ((28, 31, "month"), (89, 92, "quarter"), (365, 366, "year")):
        if low <= days <= high:
            return name
    return days


def _irregularity(values: Sequence[datetime]) -> int:
    """How many different spacings the sorted dates have (1 for a regular series)."""
    return len({_spacing((b - a).days) for a, b in pairwise(sorted(values))})


def parse_date_column(cells: Sequence[object]) -> list[datetime | None] | None:
    """Every non-missing cell as a datetime (naive), or None when the column is not dates."""
    present = [(i, c) for i, c in enumerate(cells) if not is_missing(c)]
    if not present:
        return None
    out: list[datetime | None] = [None] * len(cells)
    texts: list[tuple[int, str]] = []
    for i, cell in present:
        if isinstance(cell, datetime):
            out[i] = cell.replace(tzinfo=None)
        elif isinstance(cell, date):
            out[i] = datetime(cell.year, cell.month, cell.day)
        elif isinstance(cell, str):
            texts.append((i, _normalise(cell)))
        else:
            return None  # numbers are values, not dates (Excel dates arrive as datetimes)
    if not texts:
        return out
    values = [t for _, t in texts]
    specials = [_special(t) for t in values]
    if all(s is not None for s in specials):
        for (i, _), value in zip(texts, specials, strict=True):
            out[i] = value
        return out
    readings = [
        parsed
        for fmt in (*_UNAMBIGUOUS, *_DAY_FIRST, *_MONTH_FIRST)
        if (parsed := _parse_all(values, fmt)) is not None
    ]
    if not readings:
        return None
    best = min(readings, key=_irregularity)  # min keeps the first of equals: day-first
    for (i, _), value in zip(texts, best, strict=True):
        out[i] = value
    return out


def first_bad_date(cells: Sequence[object]) -> int | None:
    """Index of the first cell no format reads (for "row 7: «32.13.2024» is not a date")."""
    for i, cell in enumerate(cells):
        if is_missing(cell) or isinstance(cell, datetime | date):
            continue
        if not isinstance(cell, str) or parse_date_column([cell]) is None:
            return i
    return None
