"""The closed sets of values some text columns take (validated in Python, stored as text).

Stored as plain strings rather than database enums so adding a value never needs a
migration that rewrites a type (awkward on PostgreSQL, a table rebuild on SQLite).
"""

from __future__ import annotations

import enum


class Outcome(enum.StrEnum):
    """How the handling of one inbound message ended (``messages.outcome``)."""

    OK = "ok"
    FALLBACK = "fallback"
    ERROR = "error"
    TIMEOUT = "timeout"
    REJECTED = "rejected"


class ReplyStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Role(enum.StrEnum):
    USER = "user"
    ADMIN = "admin"
    BANNED = "banned"  # messages are recorded but not answered


class UserSetting(enum.StrEnum):
    """Keys of ``users.settings`` that more than one plugin reads or writes."""

    # bool: answer with voice messages (/settings in account, /voice in voice)
    VOICE_REPLIES = "voice_replies"
