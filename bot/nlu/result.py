"""What `NluEngine.understand` returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

ResultSource = Literal["template", "classifier", "fallback"]


@dataclass(frozen=True, slots=True)
class SlotValue:
    """A slot found in the user's text.

    `value` is normalised by the slot's type: an aware datetime, int seconds for a duration,
    int/float for a number, the canonical name for an enum, the stripped text for text.
    `start`/`end` are character offsets into the text that was analysed.
    """

    text: str
    value: Any
    start: int
    end: int


def json_value(value: Any) -> Any:
    """A slot value as JSON: datetimes as ISO 8601, everything else is already JSON-ready."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


@dataclass(frozen=True, slots=True)
class NluResult:
    """The understanding of one utterance.

    `intent` is None when nothing matched well enough (`source == "fallback"`); `confidence` is
    then the probability of the best in-scope intent, which is also first in `alternatives`.
    """

    text: str
    lang: str
    intent: str | None
    confidence: float
    slots: dict[str, SlotValue]
    source: ResultSource
    alternatives: tuple[tuple[str, float], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "confidence": self.confidence,
            "lang": self.lang,
            "slots": {
                name: {"text": slot.text, "value": json_value(slot.value)}
                for name, slot in self.slots.items()
            },
        }
