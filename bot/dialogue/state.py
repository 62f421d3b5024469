"""Per-conversation dialogue state and its JSON form (stored in ``dialogue_state``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.nlu import SlotValue


@dataclass(slots=True)
class FormState:
    """An intent being filled: which slots we have, which one we asked for."""

    intent: str
    slots: dict[str, SlotValue]
    awaiting: str | None
    attempts: int
    updated_at: datetime


@dataclass(slots=True)
class LastAction:
    """The intent most recently carried out, kept briefly so "нет, в 8" can correct it."""

    intent: str
    slots: dict[str, SlotValue]
    result: Any
    at: datetime


@dataclass(slots=True)
class DialogueState:
    form: FormState | None = None
    last: LastAction | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"extra": self.extra}
        if self.form:
            data["form"] = {
                "intent": self.form.intent,
                "slots": _slots_to_json(self.form.slots),
                "awaiting": self.form.awaiting,
                "attempts": self.form.attempts,
                "updated_at": self.form.updated_at.isoformat(),
            }
        if self.last:
            data["last"] = {
                "intent": self.last.intent,
                "slots": _slots_to_json(self.last.slots),
                "result": self.last.result,
                "at": self.last.at.isoformat(),
            }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> DialogueState:
        if not data:
            return cls()
        form = last = None
        if raw := data.get("form"):
            form = FormState(
                intent=raw["intent"],
                slots=_slots_from_json(raw["slots"]),
                awaiting=raw.get("awaiting"),
                attempts=int(raw.get("attempts", 0)),
                updated_at=datetime.fromisoformat(raw["updated_at"]),
            )
        if raw := data.get("last"):
            last = LastAction(
                intent=raw["intent"],
                slots=_slots_from_json(raw["slots"]),
                result=raw.get("result"),
                at=datetime.fromisoformat(raw["at"]),
            )
        return cls(form=form, last=last, extra=dict(data.get("extra") or {}))


def _slots_to_json(slots: dict[str, SlotValue]) -> dict[str, Any]:
    out = {}
    for name, slot in slots.items():
        value: Any = slot.value
        is_datetime = isinstance(value, datetime)
        out[name] = {
            "text": slot.text,
            "value": value.isoformat() if is_datetime else value,
            "datetime": is_datetime,
            "start": slot.start,
            "end": slot.end,
        }
    return out


def _slots_from_json(raw: dict[str, Any]) -> dict[str, SlotValue]:
    slots = {}
    for name, item in raw.items():
        value = datetime.fromisoformat(item["value"]) if item.get("datetime") else item["value"]
        slots[name] = SlotValue(
            text=item["text"], value=value, start=item.get("start", 0), end=item.get("end", 0)
        )
    return slots
