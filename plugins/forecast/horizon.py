"""How far ahead: "на 6 месяцев", "next 12 weeks", "на полгода", "до конца года" → steps.

The horizon is said in calendar units and converted into steps of the data's own frequency
(12 weeks of monthly data is 3 steps), rounding to the nearest step and never below one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from plugins.forecast.series import Frequency, future_dates

_UNIT_DAYS = {
    "hour": 1 / 24, "day": 1.0, "week": 7.0, "month": 30.4375, "quarter": 91.3125, "year": 365.25,
}  # fmt: skip
_FREQUENCY_DAYS = _UNIT_DAYS
_UNITS = (
    (r"час|hour|hr\b", "hour"),
    (r"сут|дн|ден|day", "day"),
    (r"недел|week|wk", "week"),
    (r"месяц|мес\b|month", "month"),
    (r"квартал|quarter|qtr", "quarter"),
    (r"год|лет|year|yr", "year"),
)
_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18,
    "twenty": 20, "thirty": 30, "один": 1, "одну": 1, "одна": 1, "два": 2, "две": 2, "три": 3,
    "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
    "одиннадцать": 11, "двенадцать": 12, "восемнадцать": 18, "двадцать": 20, "тридцать": 30,
    "пару": 2, "пара": 2, "couple": 2,
}  # fmt: skip
_NUMBER = r"(\d+(?:[.,]\d+)?|" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")"
_AMOUNT = re.compile(
    r"\b" + _NUMBER + r"?\s*(?:of\s+)?\b(" + "|".join(p for p, _ in _UNITS) + r")",
    re.IGNORECASE,
)
_HALF_YEAR = re.compile(r"полгода|пол\s+года|half\s+(?:a\s+)?year", re.IGNORECASE)
_TOMORROW = re.compile(r"\b(завтра|tomorrow)\b", re.IGNORECASE)
_YEAR_END = re.compile(
    r"(до|к)\s+конц[ауе]\s+(этого\s+|текущего\s+)?года|end\s+of\s+(the\s+|this\s+)?year|year[-\s]end",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Horizon:
    """Steps ahead, and whether the request was cut to the limit."""

    steps: int
    capped: bool = False


def _unit(word: str) -> str:
    for pattern, unit in _UNITS:
        if re.match(pattern, word, re.IGNORECASE):
            return unit
    raise ValueError(word)


def parse_horizon(
    text: str | None,
    frequency: Frequency,
    *,
    last: datetime,
    now: datetime,
    max_steps: int,
) -> Horizon | None:
    """Steps for the request in ``text``, or None when it names no horizon."""
    if not text:
        return None
    if _YEAR_END.search(text):
        steps = _steps_to_year_end(frequency, last=last, now=now)
    else:
        days = _days(text)
        if days is None:
            return None
        steps = max(1, round(days / _FREQUENCY_DAYS[frequency.name]))
    return Horizon(min(steps, max_steps), capped=steps > max_steps)


def _steps_to_year_end(frequency: Frequency, *, last: datetime, now: datetime) -> int:
    """Periods after ``last`` that start this calendar year (the next one, when the data
    already reach December)."""
    year = max(now.year, last.year)
    if future_dates(last, frequency, 1)[0].year > year:
        year += 1
    end = datetime(year, 12, 31, 23, 59)
    steps = 1
    while True:  # at most a year of steps ahead, so a short walk
        dates = future_dates(last, frequency, steps * 2)
        inside = sum(1 for d in dates if d <= end)
        if inside < len(dates):
            return max(1, inside)
        steps *= 2


def _days(text: str) -> float | None:
    if _TOMORROW.search(text):
        return 1.0
    if _HALF_YEAR.search(text):
        return 6 * _UNIT_DAYS["month"]
    match = _AMOUNT.search(text)
    if match is None:
        return None
    raw, word = match.group(1), match.group(2)
    # No number: "на неделю", "next month" mean one.
    amount = 1.0 if raw is None else float(_WORDS.get(raw.lower(), 0) or raw.replace(",", "."))
    if amount <= 0:
        return None
    return amount * _UNIT_DAYS[_unit(word)]


def default_steps(frequency: Frequency) -> int:
    """When no horizon is named: a useful look ahead for each frequency."""
    return {"hour": 48, "day": 14, "week": 12, "month": 12, "quarter": 8, "year": 5}[
        frequency.name
    ]
