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
        for slot, found_spans in spans.items():
            value = self._from_tagged(self.catalog.slot(intent, slot), text, found_spans, context)
            if value is not None:
                slots[slot] = value
        for slot in wanted:
            spec = self.catalog.slot(intent, slot)
            if slot not in slots and spec.type in _SEARCHABLE:
                found = find_slot_value(spec, text, context)
                if found is not None:
                    slots[slot] = SlotValue(
                        text[found.start : found.end], found.value, found.start, found.end
                    )
        plugin = self.catalog.intents[intent].plugin
        return _trim_text_slots(text, slots, self.catalog.plugin_slots(plugin))

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
        if spec.type in _SEARCHABLE:  # the span was off (e.g. cut short); look in the sentence
            found = find_slot_value(spec, text, context)
            if found is not None:
                found_text = text[found.start : found.end]
                return SlotValue(found_text, found.value, found.start, found.end)
        return None


def _trim_text_slots(
    text: str, slots: dict[str, SlotValue], specs: Mapping[str, SlotSpec]
) -> dict[str, SlotValue]:
    """Cut a typed value found by search off the edge of a text slot that swallowed it:
    "[позвонить маме завтра](what)" + when="завтра" → what="позвонить маме"."""
    typed = [value for name, value in slots.items() if specs[name].type is not SlotType.TEXT]
    result = dict(slots)
    for name, value in slots.items():
        if specs[name].type is not SlotType.TEXT:
            continue
        start, end = value.start, value.end
        for other in typed:
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
