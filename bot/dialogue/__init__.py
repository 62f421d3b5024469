"""Multi-turn slot filling: forms that ask for missing slots, corrections and cancel."""

from bot.dialogue.manager import (
    Ask,
    Cancelled,
    DialogueManager,
    Dispatch,
    Fallback,
    GaveUp,
    NothingToCancel,
    Outcome,
)
from bot.dialogue.state import DialogueState, FormState, LastAction

__all__ = [
    "Ask",
    "Cancelled",
    "DialogueManager",
    "DialogueState",
    "Dispatch",
    "Fallback",
    "FormState",
    "GaveUp",
    "LastAction",
    "NothingToCancel",
    "Outcome",
]
