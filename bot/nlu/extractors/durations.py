"""Lengths of time ("1 час и 15 минут", "5 minute", "полчаса") as whole seconds.

dateparser does the arithmetic: a duration D is read as the moment "через D" / "in D" after a
fixed base, and the difference is the length. It already knows units, plurals and cases in
both languages; `rewrite_quantities` adds "полчаса", "полтора часа", "an hour and a half".
"""

from __future__ import annotations

import re
from datetime import datetime

from dateparser.date import DateDataParser

from bot.nlu.extractors.context import Found
from bot.nlu.extractors.rewrite import Rewritten
from bot.nlu.extractors.time_phrases import rewrite_quantities

_BASE = datetime(2001, 1, 1)  # no DST, no month-end: only the offset matters
_LEAD = {"ru": "через", "en": "in"}
_UNIT_STEMS = {
    "ru": r"сек\w*|мин\w*|час\w*|ден\w*|дн\w*|сут\w*|недел\w*|месяц\w*",
    "en": r"sec(?:ond)?s?|min(?:ute)?s?|hours?|hrs?|days?|weeks?|months?",
}
_NUMBER = r"\d+(?:\.\d+)?"
_AND = {"ru": r"и", "en": r"and"}
# "and a half" after a unit: "2 and a half hours" / "два с половиной часа".
_HALF = {
    "ru": re.compile(rf"(?<!\w)(?P<number>\d+) с половиной (?P<unit>{_UNIT_STEMS['ru']})"),
    "en": re.compile(rf"(?<!\w)(?P<number>\d+) and a half (?P<unit>{_UNIT_STEMS['en']})"),
}


def _duration_phrase(lang: str) -> re.Pattern[str]:
    unit = rf"(?:{_NUMBER}\s*)?(?:{_UNIT_STEMS[lang]})(?!\w)"
    return re.compile(rf"(?<!\w){unit}(?:\s*,?\s*(?:{_AND[lang]}\s+)?{unit})*")


_PHRASES = {lang: _duration_phrase(lang) for lang in _LEAD}


# Prepositions that introduce a length ("таймер на 5 минут", "for 10 minutes").
_LEADING_PREPOSITION = re.compile(r"^\s*(?:на|в течение|for|during)\s+")


def _prepare(text: str, lang: str) -> Rewritten:
    prepared = rewrite_quantities(Rewritten.of(text), lang)
    prepared = prepared.sub(_LEADING_PREPOSITION, lambda match: "")
    half = _HALF.get(lang)
    if half is not None:
        prepared = prepared.sub(half, lambda m: f"{float(m['number']) + 0.5} {m['unit']}")
    return prepared


def _seconds(phrase: str, lang: str) -> int | None:
    lead = _LEAD.get(lang)
    if lead is None or not phrase.strip():
        return None
    if not phrase.startswith(lead + " "):
        phrase = f"{lead} {phrase}"
    parser = DateDataParser(
        languages=[lang],
        settings={"RELATIVE_BASE": _BASE, "PREFER_DATES_FROM": "future", "TIMEZONE": "UTC"},
    )
    moment = parser.get_date_data(phrase).date_obj
    if moment is None:
        return None
    seconds = round((moment.replace(tzinfo=None) - _BASE).total_seconds())
    return seconds if seconds > 0 else None


def parse_duration(text: str, lang: str) -> int | None:
    """Seconds in `text` (all of it is the duration); None if it is not one."""
    prepared = _prepare(text, lang)
    phrase = _PHRASES.get(lang)
    # Only unit phrases are durations: dateparser alone would accept "через 5" or "в пятницу".
    if phrase is None or phrase.search(prepared.text) is None:
        return None
    return _seconds(prepared.text.strip(), lang)


def find_duration(text: str, lang: str) -> Found | None:
    """The first duration mentioned in a longer text, with its offsets in `text`."""
    prepared = _prepare(text, lang)
    phrase = _PHRASES.get(lang)
    if phrase is None:
        return None
    for match in phrase.finditer(prepared.text):
        seconds = _seconds(match.group(), lang)
        if seconds is not None:
            start, end = prepared.original_span(match.start(), match.end())
            return Found(seconds, start, end)
    return None
