"""Idioms that name a clock time or a day indirectly, which dateparser 1.5 cannot read:

  "в половине двенадцатого" (11:30), "без четверти 8" (7:45), "half past 11", "quarter to 8";
  "on the 12th" / "12-го числа" (the next 12th of a month; dateparser took "12th" as December).

They run after number words became digits, and produce "HH:MM" or "<day> <month>".
"""

from __future__ import annotations

import re
from datetime import date

from bot.nlu.extractors.rewrite import Rewritten

_RU_GENITIVE_ORDINALS = (
    "первого", "второго", "третьего", "четвертого", "пятого", "шестого",
    "седьмого", "восьмого", "девятого", "десятого", "одиннадцатого", "двенадцатого",
)  # fmt: skip
_RU_MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
_EN_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip

_ORDINAL_HOUR_RU = rf"(?P<hour>\d{{1,2}})(?:-?го)?|(?P<word>{'|'.join(_RU_GENITIVE_ORDINALS)})"
# "в половине двенадцатого" = 11:30: half of the twelfth hour.
_HALF_RU = re.compile(rf"(?<!\w)(?:в\s+)?половин[аеу]\s+(?:{_ORDINAL_HOUR_RU})(?!\w)")
# "без четверти 8" = 7:45, "без 10 8" = 7:50.
_BEFORE_RU = re.compile(
    r"(?<!\w)(?:в\s+)?без\s+(?:(?P<quarter>четверти)|(?P<minutes>\d{1,2})(?:\s+минут\w*)?)"
    r"\s+(?P<hour>\d{1,2})(?![\d:])"
)
_PAST_EN = re.compile(
    r"(?<!\w)(?:at\s+)?(?:(?P<half>half)|(?P<quarter>(?:a\s+)?quarter)|(?P<minutes>\d{1,2})"
    r"(?:\s+minutes?)?)\s+past\s+(?P<hour>\d{1,2})(?![\d:])"
)
_TO_EN = re.compile(
    r"(?<!\w)(?:at\s+)?(?:(?P<quarter>(?:a\s+)?quarter)|(?P<minutes>\d{1,2})(?:\s+minutes?)?)"
    r"\s+to\s+(?P<hour>\d{1,2})(?![\d:])"
)
_MONTHS_EN = "|".join(_EN_MONTHS)
_DAY_OF_MONTH_EN = re.compile(
    rf"(?<!\w)(?:on\s+)?(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)"
    rf"(?!\s+(?:of\s+)?(?:{_MONTHS_EN}|{'|'.join(m[:3] for m in _EN_MONTHS)}))(?!\w)"
)
_DAY_OF_MONTH_RU = re.compile(r"(?<!\w)(?P<day>\d{1,2})(?:-?го)?\s+числа(?!\w)")


def _clock(hour: int, minute: int) -> str | None:
    hour %= 24
    return f"{hour:02d}:{minute:02d}" if 0 <= minute < 60 else None


def _hour_of(match: re.Match[str]) -> int:
    word = match.groupdict().get("word")
    return _RU_GENITIVE_ORDINALS.index(word) + 1 if word else int(match["hour"])


def rewrite_clock_idioms(text: Rewritten, lang: str) -> Rewritten:
    def half_ru(match: re.Match[str]) -> str:
        return f"в {_clock(_hour_of(match) - 1, 30)}"

    def before(match: re.Match[str]) -> str:
        minutes = 15 if match["quarter"] else int(match["minutes"])
        clock = _clock(int(match["hour"]) - 1, 60 - minutes)
        return f"{'в' if lang == 'ru' else 'at'} {clock}" if clock else match.group()

    def past(match: re.Match[str]) -> str:
        minutes = 30 if match["half"] else 15 if match["quarter"] else int(match["minutes"])
        clock = _clock(int(match["hour"]), minutes)
        return f"at {clock}" if clock else match.group()

    if lang == "ru":
        return text.sub(_HALF_RU, half_ru).sub(_BEFORE_RU, before)
    if lang == "en":
        return text.sub(_PAST_EN, past).sub(_TO_EN, before)
    return text


def rewrite_day_of_month(text: Rewritten, lang: str, today: date | None) -> Rewritten:
    """A bare day of the month is its next occurrence: this month if still ahead, else next."""
    if today is None or lang not in ("ru", "en"):
        return text

    def with_month(match: re.Match[str]) -> str:
        day = int(match["day"])
        if not 1 <= day <= 31:
            return match.group()
        month = today.month if day >= today.day else today.month % 12 + 1
        names = _RU_MONTHS if lang == "ru" else _EN_MONTHS
        return f"{day} {names[month - 1]}"

    return text.sub(_DAY_OF_MONTH_RU if lang == "ru" else _DAY_OF_MONTH_EN, with_month)
