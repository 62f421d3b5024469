"""Declarative descriptions of slots and intents, as read from the plugins' YAML files."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class SlotType(StrEnum):
    """How a slot's text is turned into a value (see `bot.nlu.extractors`)."""

    DATETIME = "datetime"
    DURATION = "duration"
    NUMBER = "number"
    TEXT = "text"
    ENUM = "enum"


@dataclass(frozen=True, slots=True)
class SlotSpec:
    """A slot of one plugin; `prompts` and enum `values` are per language."""

    name: str
    type: SlotType
    prompts: dict[str, str] = field(default_factory=dict)
    # lang -> canonical value -> synonyms in that language (the canonical name is not included)
    values: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IntentSpec:
    """An intent; `slots` are the slot names its examples and templates use."""

    name: str
    plugin: str
    slots: tuple[str, ...]
