"""Decides what one turn means for the conversation: a new intent, the answer to a question,
a correction, a cancel — and what the state becomes. Pure logic: no I/O, no replies; the
pipeline sends what the returned ``Outcome`` says and stores the returned state."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.config import DialogueSettings
from bot.dialogue.state import DialogueState, FormState, LastAction
from bot.nlu import IntentCatalog, NluEngine, NluResult, SlotValue

# A classifier this sure about a different intent means the user changed the subject.
TOPIC_SWITCH_CONFIDENCE = 0.85
_MAX_CORRECTION_WORDS = 6


@dataclass(frozen=True, slots=True)
class Dispatch:
    intent: str
    slots: dict[str, SlotValue]
    previous: Any = None  # set when this turn corrects the last action


@dataclass(frozen=True, slots=True)
class Ask:
    intent: str
    slot: str
    prompt: str
    reason: str | None = None  # "not_understood" | a plugin's own text | None


@dataclass(frozen=True, slots=True)
class Cancelled:
    intent: str


@dataclass(frozen=True, slots=True)
class NothingToCancel:
    pass


@dataclass(frozen=True, slots=True)
class GaveUp:
    intent: str


@dataclass(frozen=True, slots=True)
class Fallback:
    nlu: NluResult


Outcome = Dispatch | Ask | Cancelled | NothingToCancel | GaveUp | Fallback


@dataclass(frozen=True, slots=True)
class Phrases:
    cancel: frozenset[str]
    correction_prefixes: tuple[str, ...] = field(default=())


@cache
def load_phrases() -> dict[str, Phrases]:
    raw = yaml.safe_load((Path(__file__).parent / "phrases.yaml").read_text(encoding="utf-8"))
    return {
        lang: Phrases(
            cancel=frozenset(normalise(x) for x in block["cancel"]),
            # Longest first, so "i mean" wins over "i".
            correction_prefixes=tuple(
                sorted((normalise(x) for x in block["correction_prefixes"]), key=len, reverse=True)
            ),
        )
        for lang, block in raw.items()
    }


def normalise(text: str) -> str:
    text = text.lower().replace("ё", "е")
    text = re.sub(r"[^\w\s:]", " ", text)
    return " ".join(text.split())


class DialogueManager:
    def __init__(
        self,
        engine: NluEngine,
        catalog: IntentCatalog,
        required_slots: Callable[[str], tuple[str, ...]],
        settings: DialogueSettings,
    ) -> None:
        self.engine = engine
        self.catalog = catalog
        self.required_slots = required_slots
        self.settings = settings

    # -- public -----------------------------------------------------------------------------
    def decide(
        self, state: DialogueState, nlu: NluResult, text: str, *, now: datetime, tz: ZoneInfo
    ) -> tuple[Outcome, DialogueState]:
        lang = nlu.lang
        phrases = load_phrases().get(lang) or load_phrases()["en"]
        form = self._live_form(state.form, now)
        if normalise(text) in phrases.cancel:
            if form is None:
                return NothingToCancel(), replace(state, form=None)
            return Cancelled(form.intent), replace(state, form=None)
        correction = self._strip_correction(text, phrases)
        if correction is not None and normalise(correction) in phrases.cancel:
            correction = None  # "нет, отмена" / "no, cancel" cancels; it corrects nothing
            if form is None:
                return NothingToCancel(), state
            return Cancelled(form.intent), replace(state, form=None)
        if form is not None:
            return self._continue_form(state, form, nlu, text, correction, now=now, tz=tz)
        last = state.last
        if correction is not None and last is not None and self._recent(last.at, now):
            fixed = self._correct(last.intent, dict(last.slots), correction, lang, now, tz)
            if fixed is not None:
                return Dispatch(last.intent, fixed, previous=last.result), state
        return self._start(state, nlu, now)

    def after_dispatch(
        self,
        state: DialogueState,
        dispatch: Dispatch,
        *,
        result: Any,
        asked_slot: str | None,
        reason: str | None,
        lang: str,
        now: datetime,
    ) -> tuple[Ask | None, DialogueState]:
        """The handler ran; it may have asked for one slot again (``ctx.ask``)."""
        if asked_slot is not None:
            slots = {k: v for k, v in dispatch.slots.items() if k != asked_slot}
            form = FormState(dispatch.intent, slots, asked_slot, attempts=0, updated_at=now)
            ask = Ask(
                dispatch.intent, asked_slot, self.prompt(dispatch.intent, asked_slot, lang), reason
            )
            return ask, replace(state, form=form)
        last = (
            LastAction(dispatch.intent, dispatch.slots, result, now)
            if result is not None
            else None
        )
        return None, replace(state, form=None, last=last)

    def prompt(self, intent: str, slot: str, lang: str) -> str:
        try:
            spec = self.catalog.slot(intent, slot)
        except KeyError:
            spec = None
        if spec is not None:
            text = spec.prompts.get(lang) or spec.prompts.get("en")
            if text:
                return text
        return f"{slot}?"

    # -- steps -------------------------------------------------------------------------------
    def _start(
        self, state: DialogueState, nlu: NluResult, now: datetime
    ) -> tuple[Outcome, DialogueState]:
        if nlu.intent is None:
            return Fallback(nlu), state
        return self._next_step(state, nlu.intent, dict(nlu.slots), nlu.lang, now, attempts=0)

    def _continue_form(
        self,
        state: DialogueState,
        form: FormState,
        nlu: NluResult,
        text: str,
        correction: str | None,
        *,
        now: datetime,
        tz: ZoneInfo,
    ) -> tuple[Outcome, DialogueState]:
        lang = nlu.lang
        slots = dict(form.slots)
        if correction is not None:
            fixed = self._correct(form.intent, slots, correction, lang, now, tz)
            if fixed is not None:
                return self._next_step(state, form.intent, fixed, lang, now, form.attempts)
        if nlu.intent == form.intent and nlu.slots:
            slots.update(nlu.slots)
            return self._next_step(state, form.intent, slots, lang, now, form.attempts)
        awaiting = form.awaiting
        value = None
        if awaiting is not None:
            value = self.engine.extract_slot(
                form.intent, awaiting, text, lang=lang, now=now, tz=tz
            )
        if value is not None and awaiting is not None:
            slots[awaiting] = value
            return self._next_step(state, form.intent, slots, lang, now, attempts=0)
        if nlu.intent not in (None, form.intent) and nlu.confidence >= TOPIC_SWITCH_CONFIDENCE:
            return self._start(replace(state, form=None), nlu, now)
        attempts = form.attempts + 1
        if attempts >= self.settings.max_attempts or awaiting is None:
            return GaveUp(form.intent), replace(state, form=None)
        new_form = replace(form, attempts=attempts, updated_at=now)
        ask = Ask(
            form.intent, awaiting, self.prompt(form.intent, awaiting, lang), "not_understood"
        )
        return ask, replace(state, form=new_form)

    def _next_step(
        self,
        state: DialogueState,
        intent: str,
        slots: dict[str, SlotValue],
        lang: str,
        now: datetime,
        attempts: int,
    ) -> tuple[Outcome, DialogueState]:
        missing = [s for s in self.required_slots(intent) if s not in slots]
        if not missing:
            return Dispatch(intent, slots), replace(state, form=None)
        form = FormState(intent, slots, missing[0], attempts, now)
        return Ask(intent, missing[0], self.prompt(intent, missing[0], lang)), replace(
            state, form=form
        )

    def _correct(
        self,
        intent: str,
        slots: dict[str, SlotValue],
        correction: str,
        lang: str,
        now: datetime,
        tz: ZoneInfo,
    ) -> dict[str, SlotValue] | None:
        """Re-read one slot from the corrected text: typed slots first (a time is a time),
        then the only text slot, if the intent has exactly one."""
        spec = self.catalog.intents.get(intent)
        if spec is None:
            return None
        typed = [s for s in spec.slots if self.catalog.slot(intent, s).type.value != "text"]
        texts = [s for s in spec.slots if self.catalog.slot(intent, s).type.value == "text"]
        for slot in typed:
            value = self.engine.extract_slot(intent, slot, correction, lang=lang, now=now, tz=tz)
            if value is not None:
                return {**slots, slot: value}
        if len(texts) == 1:
            value = self.engine.extract_slot(
                intent, texts[0], correction, lang=lang, now=now, tz=tz
            )
            if value is not None:
                return {**slots, texts[0]: value}
        return None

    # -- helpers -----------------------------------------------------------------------------
    def _live_form(self, form: FormState | None, now: datetime) -> FormState | None:
        if form is None:
            return None
        if now - form.updated_at > timedelta(seconds=self.settings.form_ttl_s):
            return None
        return form

    def _recent(self, at: datetime, now: datetime) -> bool:
        return now - at <= timedelta(seconds=self.settings.correction_window_s)

    @staticmethod
    def _strip_correction(text: str, phrases: Phrases) -> str | None:
        """ "нет, в 8" → "в 8"; None when the message is not a correction."""
        raw = text.strip()
        lowered = raw.lower().replace("ё", "е")
        for prefix in phrases.correction_prefixes:
            if not lowered.startswith(prefix):
                continue
            rest = raw[len(prefix) :]
            if rest and rest[0].isalnum():
                continue  # "нетушки", "nothing": the prefix is part of a longer word
            rest = rest.lstrip(" ,.-—!:")
            # A correction is short; a long sentence after "no" is a new request.
            if rest and len(rest.split()) <= _MAX_CORRECTION_WORDS:
                return rest
        return None
