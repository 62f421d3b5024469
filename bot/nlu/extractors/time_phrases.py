"""Small rewrites of time phrases that dateparser 1.5 misreads or rejects.

Each rule exists because of an observed failure (on a fixed clock of 10:00):
  "завтра в 7 утра" → None                 (the "утра/вечера" hour qualifiers are unknown)
  "в 8" / "at 8"    → the 8th of the month (a bare hour after "в"/"at" reads as a day)
  "в 8 часов"       → 18:00
  "в полдень", "в следующий понедельник", "сегодня вечером", "in half an hour" → None
The output is still natural text, and dateparser does the actual parsing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from bot.nlu.extractors.numbers import digits_for_words
from bot.nlu.extractors.rewrite import Rewritten
from bot.nlu.extractors.time_idioms import rewrite_clock_idioms, rewrite_day_of_month

_HOUR = r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?"

# Part of the day → how an hour in it maps to the 24-hour clock, and the hour it means alone.
_DAY_PARTS_RU = {
    "утра": "am", "утром": "am", "ночи": "night", "ночью": "night",
    "дня": "pm", "днем": "pm", "вечера": "pm", "вечером": "pm",
}  # fmt: skip
_DAY_PARTS_EN = {
    "in the morning": "am", "in the afternoon": "pm", "in the evening": "pm", "at night": "night",
}  # fmt: skip
_PART_ALONE_RU = {"утром": "09:00", "днем": "13:00", "вечером": "19:00", "ночью": "23:00"}
_PART_ALONE_EN = {
    "in the morning": "09:00", "in the afternoon": "13:00", "in the evening": "19:00",
}  # fmt: skip

_MONTHS_RU = r"январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр"
_UNITS_RU = r"сек|мин|час|ден|дн|сут|недел|месяц|год|лет"
_MONTHS_EN = r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_UNITS_EN = r"sec|min|hour|hr|day|week|month|year|am\b|pm\b|a\.m|p\.m|o'clock"
_WEEKDAYS_RU = r"понедельник|вторник|сред[ау]|четверг|пятниц[ау]|суббот[ау]|воскресенье"

Rules = tuple[tuple[re.Pattern[str], str], ...]

# Quantities of time that dateparser does not know; shared with durations.
_QUANTITY_RULES_RU: Rules = (
    (re.compile(r"(?<!\w)(\d+),(\d+)(?!\w)"), r"\1.\2"),  # decimal comma: "1,5 часа"
    (re.compile(r"(?<!\w)пол ?часа(?!\w)"), "30 минут"),
    (re.compile(r"(?<!\w)полтора часа(?!\w)"), "90 минут"),
    (re.compile(r"(?<!\w)полторы минуты(?!\w)"), "90 секунд"),
    (re.compile(r"(?<!\w)четверть часа(?!\w)"), "15 минут"),
    (re.compile(r"(?<!\w)(\d+)-(?=(?:секунд|минут|час)\w*)"), r"\1 "),  # "5-минутный"
)
_QUANTITY_RULES_EN: Rules = (
    (re.compile(r"(?<!\w)half an hour(?!\w)"), "30 minutes"),
    (re.compile(r"(?<!\w)(?:an|1) hour and a half(?!\w)"), "90 minutes"),
    (re.compile(r"(?<!\w)a couple of(?!\w)"), "2"),
    (re.compile(r"(?<!\w)(?:a )?quarter (?:of an )?hour(?!\w)"), "15 minutes"),
    (
        re.compile(r"(?<!\w)(\d+)-(?=(?:second|minute|hour|day|week)s?(?!\w))"),
        r"\1 ",
    ),  # "7-minute"
)
_RULES_RU: Rules = (
    (re.compile(r"(?<!\w)полдень(?!\w)"), "12:00"),
    (re.compile(r"(?<!\w)полночь(?!\w)"), "00:00"),
    # "на завтра", "на пятницу": the reminder is *for* that day; dateparser rejects the "на".
    (
        re.compile(
            rf"(?<!\w)на\s+(?=(?:завтра|послезавтра|сегодня|{_WEEKDAYS_RU})(?!\w)|"
            rf"\d{{1,2}}\s+(?:{_MONTHS_RU}))"
        ),
        "",
    ),
    # "следующий/этот понедельник": dateparser knows only the bare weekday, which it already
    # resolves to the next one with PREFER_DATES_FROM=future.
    (re.compile(rf"(?<!\w)(?:следующ|ближайш|эт)\w*\s+(?=(?:{_WEEKDAYS_RU}))"), ""),
)
_RULES_EN: Rules = (
    # "for tomorrow at 9", "for 6pm": dateparser rejects the "for".
    (re.compile(r"(?<!\w)for\s+(?=(?:tomorrow|today|tonight|\d{1,2}(?::\d\d)?\s*(?:am|pm)))"), ""),
    # "tonight at 8" is read as 08:00 today.
    (
        re.compile(r"(?<!\w)tonight at (\d{1,2})(?![\d:.]|\s*(?:am|pm|a\.m|p\.m))"),
        r"today at \1 pm",
    ),
)


def _clock(hour: int, minute: int, part: str) -> str | None:
    if part == "am":
        hour = 0 if hour == 12 else hour
    elif part == "pm":
        hour = hour + 12 if hour < 12 else hour
    elif part == "night":  # "в 2 ночи" is 02:00, "в 11 ночи" is 23:00
        hour = hour + 12 if 6 <= hour < 12 else (0 if hour == 12 else hour)
    if not (0 <= hour < 24 and 0 <= minute < 60):
        return None
    return f"{hour:02d}:{minute:02d}"


def _with_day_part(parts: dict[str, str], lang: str) -> re.Pattern[str]:
    names = "|".join(sorted(map(re.escape, parts), key=len, reverse=True))
    hours_word = r"(?:\s*час(?:а|ов)?)?" if lang == "ru" else r"(?:\s*o'clock)?"
    # "дня" is also "of a day": "через 2 дня" is two days, only "в 2 дня" is 14:00.
    guard = r"(?<!\d)(?<!\d )(?!\d{1,2}(?:[:.]\d{2})?\s+дня)" if lang == "ru" else ""
    prep_day = r"(?<=в )(?=\d{1,2}(?:[:.]\d{2})?\s+дня)" if lang == "ru" else "(?!)"
    return re.compile(
        rf"(?<![\w:])(?:{guard}|{prep_day}){_HOUR}{hours_word}\s+(?P<part>{names})(?!\w)"
    )


_PART_RU = _with_day_part(_DAY_PARTS_RU, "ru")
_PART_EN = _with_day_part(_DAY_PARTS_EN, "en")
# "в семь тридцать" becomes "в 7 30" after number words; dateparser needs "7:30".
_SPACED_CLOCK_RU = re.compile(
    rf"(?<!\w)(?:в|во|к|на)\s+(?P<hour>\d{{1,2}})\s+(?P<minute>[0-5]\d)"
    rf"(?![\d:.]|\s*(?:{_MONTHS_RU}|{_UNITS_RU}))"
)
_SPACED_CLOCK_EN = re.compile(
    rf"(?<!\w)(?:at|by)\s+(?P<hour>\d{{1,2}})\s+(?P<minute>[0-5]\d)"
    rf"(?![\d:.]|\s*(?:{_MONTHS_EN}|{_UNITS_EN}))"
)
# A bare hour after a preposition is a time of day ("в 8", "к 9 часам", "at 8").
_BARE_HOUR_RU = re.compile(
    rf"(?<!\w)(?:в|во|к)\s+{_HOUR}(?:\s*час(?:а|ов|ам)?(?!\w))?"
    rf"(?![\d:.]|\s*(?:{_MONTHS_RU}|{_UNITS_RU}))"
)
# "на 9", "на 19:00" ("for 9"), but "на 2 часа" is a length, not a clock time.
_FOR_HOUR_RU = re.compile(rf"(?<!\w)на\s+{_HOUR}(?![\d:.]|\s*(?:{_MONTHS_RU}|{_UNITS_RU}))")
_BARE_HOUR_EN = re.compile(
    rf"(?<!\w)(?:at|by)\s+(?P<hour>\d{{1,2}})(?:\s*o'clock)?"
    rf"(?![\d:.]|\s*(?:{_MONTHS_EN}|{_UNITS_EN}))"
)


def _expander(template: str) -> Callable[[re.Match[str]], str]:
    return lambda match: match.expand(template)


def _apply(text: Rewritten, rules: Rules) -> Rewritten:
    for pattern, replacement in rules:
        text = text.sub(pattern, _expander(replacement))
    return text


def rewrite_quantities(text: Rewritten, lang: str) -> Rewritten:
    """Number words → digits, and lengths of time dateparser lacks ("полчаса" → "30 минут")."""
    text = digits_for_words(text, lang)
    return _apply(text, {"ru": _QUANTITY_RULES_RU, "en": _QUANTITY_RULES_EN}.get(lang, ()))


def rewrite_time_phrases(text: Rewritten, lang: str, today: date | None = None) -> Rewritten:
    """`rewrite_quantities` plus the clock and date rules above and in `time_idioms`;
    `today` lets a bare day of the month ("on the 12th") get its month."""
    text = rewrite_quantities(text, lang)
    if lang not in ("ru", "en"):
        return text
    text = rewrite_clock_idioms(text, lang)
    text = rewrite_day_of_month(text, lang, today)
    text = _apply(text, _RULES_RU if lang == "ru" else _RULES_EN)
    parts = _DAY_PARTS_RU if lang == "ru" else _DAY_PARTS_EN

    def hour_in_part(match: re.Match[str]) -> str:
        clock = _clock(int(match["hour"]), int(match["minute"] or 0), parts[match["part"]])
        return clock if clock is not None else match.group()

    # dateparser knows "в 9:00" but not "к 9:00" ("by 9") or "на 9:00" ("for 9"), which mean
    # the same for a reminder.
    preposition = "в" if lang == "ru" else "at"

    def clock_after_preposition(match: re.Match[str]) -> str:
        minute = int(match.groupdict().get("minute") or 0)
        clock = _clock(int(match["hour"]), minute, "24h")
        return f"{preposition} {clock}" if clock is not None else match.group()

    russian = lang == "ru"
    text = text.sub(_SPACED_CLOCK_RU if russian else _SPACED_CLOCK_EN, clock_after_preposition)
    text = text.sub(_PART_RU if russian else _PART_EN, hour_in_part)
    text = text.sub(_BARE_HOUR_RU if russian else _BARE_HOUR_EN, clock_after_preposition)
    if russian:
        text = text.sub(_FOR_HOUR_RU, clock_after_preposition)
    alone = _PART_ALONE_RU if lang == "ru" else _PART_ALONE_EN
    names = "|".join(sorted(map(re.escape, alone), key=len, reverse=True))
    return text.sub(
        re.compile(rf"(?<!\w)(?:{names})(?!\w)"),
        lambda match: f"{preposition} {alone[match.group()]}",
    )
