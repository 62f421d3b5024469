"""Dates as admins type them: ISO (2026-11-22) or Russian style (22.11.2026, 22.11.26)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

DEFAULT_DAYS = 7
_FORMATS = ("%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%d-%m-%Y", "%Y.%m.%d", "%Y/%m/%d")
_WORDS = {"today": 0, "сегодня": 0, "yesterday": 1, "вчера": 1}


class DateError(ValueError):
    """``value`` is not a date we understand (or the range is backwards)."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value


class RangeError(ValueError):
    """Dates fine, range not: ``key`` names the locale text that explains it."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def parse_date(value: str, today: date) -> date:
    text = value.strip().lower()
    if text in _WORDS:
        return today - timedelta(days=_WORDS[text])
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for pattern in _FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise DateError(value)


def parse_range(args: str, today: date) -> tuple[date, date]:
    """``""`` → the last 7 days; ``FROM`` → from then to today; ``FROM TO`` → both inclusive.

    Raises ``DateError`` for a bad date, ``RangeError`` for a backwards range or too many
    words."""
    parts = args.split()
    if not parts:
        return today - timedelta(days=DEFAULT_DAYS - 1), today
    if len(parts) > 2:
        raise RangeError("export_usage")
    start = parse_date(parts[0], today)
    end = parse_date(parts[1], today) if len(parts) == 2 else max(today, start)
    if start > end:
        raise RangeError("export_backwards")
    return start, end
