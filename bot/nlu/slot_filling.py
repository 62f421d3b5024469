"""Slot values for a recognised intent: tagger spans, typed parsing, and typed search backups."""

from __future__ import annotations

from collections.abc import Mapping

from bot.nlu.bio import chunks_from_tags
from bot.nlu.catalog import IntentCatalog
from bot.nlu.extractors import ParseContext, clean_text, find_slot_value, parse_slot_value
from bot.nlu.result import SlotValue
from bot.nlu.spec import SlotSpec, SlotType
from bot.nlu.tagger import SlotTagger
from bot.nlu.text import tokenize

# Slot types whose values the extractors can find reliably in a whole sentence. Numbers are
# left out on purpose: in "через 2 минуты" the 2 belongs to the time, not to a count slot.
_SEARCHABLE = frozenset({SlotType.DATETIME, SlotType.DURATION, SlotType.ENUM})

Span = tuple[int, int]


class SlotFiller:
    def __init__(self, catalog: IntentCatalog, tagger: SlotTagger) -> None:
        self.catalog = catalog
        self.tagger = tagger

    def fill(self, intent: str, text: str, context: ParseContext) -> dict[str, SlotValue]:
        """Slots of `intent` in `text`: the tagger proposes spans, the slot types parse them,
        and typed search fills datetime/duration/enum slots the tagger missed."""
        wanted = self.catalog.intents[intent].slots
        tokens = tokenize(text)
        tags = self.tagger.predict([token.text for token in tokens], context=intent)
        spans: dict[str, list[Span]] = {}
        for chunk in chunks_from_tags(tags):
            if chunk.label in wanted:
                span = (tokens[chunk.first].start, tokens[chunk.stop - 1].end)
                spans.setdefault(chunk.label, []).append(span)
        slots: dict[str, SlotValue] = {}
        searched: list[SlotValue] = []  # values found by search rather than at a tagged span
        for slot, found_spans in spans.items():
            spec = self.catalog.slot(intent, slot)
            tagged = self._from_tagged(spec, text, found_spans, context)
            if tagged is None and spec.type in _SEARCHABLE:  # the span was off (cut short?)
                tagged = self._search(spec, text, context)
                if tagged is not None:
                    searched.append(tagged)
            if tagged is not None:
                slots[slot] = tagged
        for slot in wanted:
            spec = self.catalog.slot(intent, slot)
            if slot not in slots and spec.type in _SEARCHABLE:
                found = self._search(spec, text, context)
                if found is not None:
                    slots[slot] = found
                    searched.append(found)
        plugin = self.catalog.plugin_slots(self.catalog.intents[intent].plugin)
        return _trim_text_slots(text, slots, searched, plugin)

    def from_spans(
        self, intent: str, text: str, spans: Mapping[str, Span], context: ParseContext
    ) -> dict[str, SlotValue] | None:
        """Values for a template's captures; None if any capture does not parse as its type."""
        slots: dict[str, SlotValue] = {}
        for slot, (start, end) in spans.items():
            value = parse_slot_value(self.catalog.slot(intent, slot), text[start:end], context)
            if value is None:
                return None
            slots[slot] = SlotValue(text[start:end], value, start, end)
        return slots

    @staticmethod
    def _from_tagged(
        spec: SlotSpec, text: str, spans: list[Span], context: ParseContext
    ) -> SlotValue | None:
        if spec.type is SlotType.DATETIME and len(spans) > 1:
            # A date and a time around other words ("завтра позвонить маме в 7") are one moment.
            joined = " ".join(text[start:end] for start, end in spans)
            moment = parse_slot_value(spec, joined, context)
            if moment is not None:
                return SlotValue(joined, moment, spans[0][0], spans[-1][1])
        for start, end in spans:
            value = parse_slot_value(spec, text[start:end], context)
            if value is not None:
                return SlotValue(text[start:end], value, start, end)
        return None

    @staticmethod
    def _search(spec: SlotSpec, text: str, context: ParseContext) -> SlotValue | None:
        found = find_slot_value(spec, text, context)
        if found is None:
            return None
        return SlotValue(text[found.start : found.end], found.value, found.start, found.end)


def _trim_text_slots(
    text: str,
    slots: dict[str, SlotValue],
    searched: list[SlotValue],
    specs: Mapping[str, SlotSpec],
) -> dict[str, SlotValue]:
    """Cut a typed value found by search off the edge of a text slot that swallowed it:
    "[позвонить маме завтра](what)" + when="завтра" → what="позвонить маме". Tagged values
    are left alone: their spans cannot overlap, though a joined date and time may enclose
    the text slot ("завтра [полить рассаду] в 8")."""
    result = dict(slots)
    for name, value in slots.items():
        if specs[name].type is not SlotType.TEXT:
            continue
        start, end = value.start, value.end
        for other in searched:
            if other.start <= start < other.end:
                start = other.end
            if other.start < end <= other.end:
                end = other.start
        if (start, end) == (value.start, value.end):
            continue
        del result[name]
        cleaned = clean_text(text[start:end]) if start < end else ""
        if cleaned:
            offset = text.index(cleaned, start)
            result[name] = SlotValue(cleaned, cleaned, offset, offset + len(cleaned))
    return result
