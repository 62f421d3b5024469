"""Typed slot extractors: turn slot text into values, or find a value inside a longer text.

`parse_slot_value` is for text already known to be the slot (a tagger span, a template capture,
a form's answer); `find_slot_value` searches a whole utterance and backs up the learned tagger.
"""

from __future__ import annotations

from typing import Any

from bot.nlu.extractors.context import Found, ParseContext
from bot.nlu.extractors.datetimes import find_datetime, parse_datetime
from bot.nlu.extractors.durations import find_duration, parse_duration
from bot.nlu.extractors.enums import find_enum, match_enum
from bot.nlu.extractors.numbers import find_number, parse_number
from bot.nlu.spec import SlotSpec, SlotType

__all__ = ["Found", "ParseContext", "clean_text", "find_slot_value", "parse_slot_value"]

_EDGE_PUNCTUATION = " \t\n.,!?;:…\"'«»“”()"


def clean_text(text: str) -> str:
    """Free text as a value: surrounding spaces, quotes and punctuation removed."""
    return text.strip(_EDGE_PUNCTUATION)


def parse_slot_value(spec: SlotSpec, text: str, context: ParseContext) -> Any | None:
    """The value of `text` read as a whole as slot `spec`; None if it does not parse."""
    if spec.type is SlotType.DATETIME:
        return parse_datetime(text, context)
    if spec.type is SlotType.DURATION:
        return parse_duration(text, context.lang)
    if spec.type is SlotType.NUMBER:
        return parse_number(text, context.lang)
    if spec.type is SlotType.ENUM:
        return match_enum(text, spec.values, context.lang)
    cleaned = clean_text(text)
    return cleaned or None


def find_slot_value(spec: SlotSpec, text: str, context: ParseContext) -> Found | None:
    """The first value of slot `spec`'s type mentioned somewhere in `text`."""
    if spec.type is SlotType.DATETIME:
        return find_datetime(text, context)
    if spec.type is SlotType.DURATION:
        return find_duration(text, context.lang)
    if spec.type is SlotType.NUMBER:
        found = find_number(text, context.lang)
        return Found(found.value, found.start, found.end) if found is not None else None
    if spec.type is SlotType.ENUM:
        return find_enum(text, spec.values, context.lang)
    cleaned = clean_text(text)
    if not cleaned:
        return None
    start = text.index(cleaned)
    return Found(cleaned, start, start + len(cleaned))
