"""Dates, numbers, units and season positions written the way a Russian or English reader
expects them: ``июль 2024`` / ``Jul 2024``, ``1 234,5`` / ``1,234.5``, ``6 месяцев`` /
``6 months``, ``пятница`` / ``Friday``."""

from __future__ import annotations

import math
from datetime import datetime

from bot.i18n import plural_ru

MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "ru": ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"),
}
MONTHS_FULL = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "ru": ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
           "сентябрь", "октябрь", "ноябрь", "декабрь"),
}  # fmt: skip
_MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "ru": ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"),
}
_UNITS_EN = {
    "hour": "hour", "day": "day", "week": "week", "month": "month", "quarter": "quarter",
    "year": "year",
}  # fmt: skip
_UNITS_RU = {
    "hour": ("час", "часа", "часов"), "day": ("день", "дня", "дней"),
    "week": ("неделя", "недели", "недель"), "month": ("месяц", "месяца", "месяцев"),
    "quarter": ("квартал", "квартала", "кварталов"), "year": ("год", "года", "лет"),
}  # fmt: skip


def _lang(lang: str) -> str:
    return "ru" if lang == "ru" else "en"


def count_of(n: int, unit: str, lang: str) -> str:
    """``6 months`` / ``6 месяцев``."""
    if _lang(lang) == "ru":
        return f"{n} {plural_ru(n, *_UNITS_RU[unit])}"
    word = _UNITS_EN[unit]
    return f"{n} {word if n == 1 else word + 's'}"


def format_period(moment: datetime, unit: str, lang: str) -> str:
    """A period of the series by its start: ``Jul 2024``, ``Q3 2024``, ``15 Jul 2024``."""
    lang = _lang(lang)
    if unit == "year":
        return str(moment.year)
    if unit == "quarter":
        quarter = (moment.month - 1) // 3 + 1
        return f"{quarter} кв. {moment.year}" if lang == "ru" else f"Q{quarter} {moment.year}"
    if unit == "month":
        return (
            f"{MONTHS_FULL[lang][moment.month - 1]} {moment.year}"
            if lang == "ru"
            else (f"{MONTHS[lang][moment.month - 1]} {moment.year}")
        )
    day = (
        f"{moment.day} {_MONTHS_GENITIVE[moment.month - 1]} {moment.year}"
        if lang == "ru"
        else f"{moment.day} {MONTHS[lang][moment.month - 1]} {moment.year}"
    )
    return f"{day}, {moment:%H:%M}" if unit == "hour" else day


def season_position(position: int, unit: str, lang: str) -> str:
    """Where in the cycle a peak falls: a month, a weekday, an hour, a quarter, a week."""
    lang = _lang(lang)
    if unit == "month":
        return MONTHS_FULL[lang][position % 12]
    if unit == "day":
        return WEEKDAYS[lang][position % 7]
    if unit == "hour":
        return f"{position:02d}:00"
    if unit == "quarter":
        return f"{position + 1}-й квартал" if lang == "ru" else f"Q{position + 1}"
    return f"{position + 1}-я неделя" if lang == "ru" else f"week {position + 1}"


def cycle_position(moment: datetime, unit: str) -> int:
    """The index of ``moment`` in its seasonal cycle (month, weekday, hour, ...)."""
    if unit == "month":
        return moment.month - 1
    if unit == "day":
        return moment.weekday()
    if unit == "hour":
        return moment.hour
    if unit == "quarter":
        return (moment.month - 1) // 3
    if unit == "week":
        return moment.isocalendar().week - 1
    return 0


def season_name(unit: str, lang: str) -> str:
    """The cycle a season length stands for: ``year`` for months, ``week`` for days, ..."""
    cycle = {"hour": "day", "day": "week", "week": "year", "month": "year", "quarter": "year"}
    name = cycle.get(unit, "year")
    if _lang(lang) == "ru":
        return {"day": "сутки", "week": "неделю", "year": "год"}[name]
    return name


def format_number(value: float, lang: str) -> str:
    """Three significant digits (all of the integer part), grouped thousands, no trailing
    zeros, the language's decimal mark: ``1,234``, ``12.5``, ``0.0312`` / ``1 234``, ``12,5``."""
    magnitude = abs(value)
    if magnitude >= 100 or magnitude == 0:
        digits = 0
    else:
        digits = min(4, 2 - math.floor(math.log10(magnitude)))
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")  # 5.00 → 5, 12.50 → 12.5
    if _lang(lang) == "ru":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def format_pct(value: float, lang: str) -> str:
    text = f"{abs(value):.1f}"
    return text.replace(".", ",") if _lang(lang) == "ru" else text
