"""Points in time ("завтра в 7 утра", "in 10 minutes", "в 8") via dateparser."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from dateparser.date import DateDataParser
from dateparser.search import search_dates

from bot.nlu.extractors.context import Found, ParseContext
from bot.nlu.extractors.rewrite import Rewritten
from bot.nlu.extractors.time_phrases import rewrite_time_phrases

# dateparser reports how precise a parse was; these mean "a date without a time of day".
_DATE_ONLY_PERIODS = frozenset({"day", "week", "month", "year"})
# ...but it also says "day" when the time given equals the base's ("завтра в 10:00" at 10:00),
# so a clock time in the (rewritten) text overrides its verdict.
_CLOCK = re.compile(r"\d:\d\d|\d\s*(?:am|pm|a\.m|p\.m)\b|\b(?:noon|midnight)\b")


def _settings(context: ParseContext) -> dict[str, Any]:
    # Parsing happens in naive wall-clock time of the user's zone, and the zone is attached
    # afterwards. With TIMEZONE set to the user's zone, dateparser 1.5 decides whether a bare
    # "в 11:00" is still ahead by comparing against the base shifted by the UTC offset (at
    # 10:00 in Moscow it moved 11:00 and 12:00 to tomorrow but kept 13:00 today).
    return {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": context.local_now.replace(tzinfo=None),
        "TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "RETURN_TIME_AS_PERIOD": True,
    }


def _parse_prepared(text: str, context: ParseContext) -> datetime | None:
    parser = DateDataParser(languages=[context.lang], settings=_settings(context))
    data = parser.get_date_data(text)
    if data.date_obj is None:
        return None
    wall_clock: datetime = data.date_obj.replace(tzinfo=None)
    if data.period in _DATE_ONLY_PERIODS and not _CLOCK.search(text):
        wall_clock = datetime.combine(wall_clock.date(), context.default_time)
    return wall_clock.replace(tzinfo=context.tz)


def parse_datetime(text: str, context: ParseContext) -> datetime | None:
    """The moment `text` (all of it) names, in `context.tz`; None if it is not a time.

    A bare date gets `context.default_time`; a bare clock time is the next such time; an
    explicitly past moment ("вчера в 5") stays in the past for the caller to reject.
    """
    if not text.strip():
        return None
    prepared = rewrite_time_phrases(Rewritten.of(text), context.lang, context.local_now.date())
    return _parse_prepared(prepared.text, context)


def find_datetime(text: str, context: ParseContext) -> Found | None:
    """The first moment mentioned inside a longer text, with its offsets in `text`."""
    prepared = rewrite_time_phrases(Rewritten.of(text), context.lang, context.local_now.date())
    settings = _settings(context)
    del settings["RETURN_TIME_AS_PERIOD"]  # search_dates does not support it
    hits = search_dates(prepared.text, languages=[context.lang], settings=settings) or []
    cursor = 0
    for phrase, _ in hits:
        start = prepared.text.find(phrase, cursor)
        if start < 0:
            continue
        cursor = start + len(phrase)
        if not _looks_like_time(phrase):
            continue
        moment = _parse_prepared(phrase, context)
        if moment is not None:
            original_start, original_end = prepared.original_span(start, cursor)
            return Found(moment, original_start, original_end)
    return None


def _looks_like_time(phrase: str) -> bool:
    # search_dates also "finds" dates in lone words such as "may", "second" or "mar"; a real
    # mention has a digit or at least two words ("next week"), or is a known relative word.
    stripped = phrase.strip()
    return any(char.isdigit() for char in stripped) or " " in stripped or stripped in _DAY_WORDS


_DAY_WORDS = frozenset({
    "сегодня", "завтра", "послезавтра", "вчера", "позавчера",
    "понедельник", "вторник", "среда", "среду", "четверг", "пятница", "пятницу", "суббота",
    "субботу", "воскресенье",
    "today", "tomorrow", "tonight", "yesterday", "noon", "midnight",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
})  # fmt: skip
