"""What the repositories return: frozen snapshots, not ORM rows.

An ORM row is tied to the session that loaded it (lazy loads, expiry, identity map);
handing out plain values means callers never hold a session or touch the database by
accident after the transaction is over.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")


@dataclass(frozen=True, slots=True, kw_only=True)
class UserRecord:
    id: int
    lang: str | None
    timezone: str | None
    role: str
    settings: dict[str, Any] = field(default_factory=dict)
    username: str | None = None
    display_name: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True, slots=True, kw_only=True)
class InteractionRecord:
    """One row of the interaction log (``messages``)."""

    id: int
    event_id: str
    trace_id: str
    channel: str
    external_update_id: str | None
    chat_id: int
    user_id: int
    kind: str
    text: str
    attachment: dict[str, Any] | None
    transcript: str | None
    lang: str | None
    intent: str | None
    confidence: float | None
    slots: dict[str, Any] | None
    plugin: str | None
    latency_ms: dict[str, float] | None
    outcome: str | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplyRecord:
    id: int
    trace_id: str
    chat_id: int
    channel: str
    kind: str
    text: str
    payload: dict[str, Any]
    status: str
    attempts: int
    error: str | None
    external_message_id: str | None
    created_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditRecord:
    id: int
    actor_id: int
    action: str
    target: str | None
    details: dict[str, Any]
    created_at: datetime


def snapshot(record_type: type[R], row: object) -> R:
    """Copy the attributes ``record_type`` declares from an ORM row into a record."""
    return record_type(**{f.name: getattr(row, f.name) for f in dataclasses.fields(record_type)})
