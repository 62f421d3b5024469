"""Sova's natural-language understanding: intents and typed slots for Russian and English.

The rest of the app codes against the names re-exported here; see `engine.NluEngine`.
"""

from bot.nlu.catalog import IntentCatalog
from bot.nlu.engine import NluEngine
from bot.nlu.errors import NluDataError
from bot.nlu.options import NluOptions
from bot.nlu.result import NluResult, SlotValue
from bot.nlu.spec import IntentSpec, SlotSpec, SlotType
from bot.nlu.text import detect_language

__all__ = [
    "IntentCatalog",
    "IntentSpec",
    "NluDataError",
    "NluEngine",
    "NluOptions",
    "NluResult",
    "SlotSpec",
    "SlotType",
    "SlotValue",
    "detect_language",
]
