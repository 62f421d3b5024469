"""The core tables. Alembic owns the schema (``migrations/``); these models must match it.

Ids of users and chats are the channel's own integers (Telegram's), so they are plain
BIGINT primary keys without autoincrement. Every timestamp is a timezone-aware UTC value
set from Python (``utcnow``) rather than by the server, so both backends store the same
format and comparisons in SQL work on SQLite's text timestamps too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    Unicode,
    UniqueConstraint,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.events import utcnow
from bot.storage.base import Base
from bot.storage.coltypes import UTCDateTime

# Nullable JSON columns: Python None must become SQL NULL, not the JSON literal 'null'.
NullableJSON = JSON(none_as_null=True)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    channel: Mapped[str] = mapped_column(String(32))
    username: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(255))
    lang: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(
        String(16), default="user", server_default=sql_text("'user'")
    )
    settings: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, server_default=sql_text("'{}'")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChatRow(Base):
    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    channel: Mapped[str] = mapped_column(String(32))
    type: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(255))
    lang: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MessageRow(Base):
    """The interaction log: one row per inbound message, filled in as the turn proceeds."""

    __tablename__ = "messages"
    __table_args__ = (
        # Telegram redelivers updates after restarts and timeouts; this makes the second
        # copy of an update impossible to record. NULL ids (channels without update ids)
        # never collide, since NULLs are distinct in unique constraints on both backends.
        UniqueConstraint("channel", "external_update_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(32), unique=True)
    trace_id: Mapped[str] = mapped_column(String(32), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    external_update_id: Mapped[str | None] = mapped_column(String(64))
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    # The file that came with it (bot.events.Attachment as a dict): a replayed turn needs its
    # audio again, and ctx.document() finds a file sent a few messages earlier.
    attachment: Mapped[dict[str, Any] | None] = mapped_column(NullableJSON)
    transcript: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String(8))
    intent: Mapped[str | None] = mapped_column(String(64), index=True)
    confidence: Mapped[float | None] = mapped_column(Float)
    slots: Mapped[dict[str, Any] | None] = mapped_column(NullableJSON)
    plugin: Mapped[str | None] = mapped_column(String(64))
    # Stage name → milliseconds, e.g. {"asr": 812.5, "nlu": 14.2, "handler": 40.0}.
    latency_ms: Mapped[dict[str, float] | None] = mapped_column(NullableJSON)
    # NULL while the turn is in progress; see bot.storage.vocab.Outcome.
    outcome: Mapped[str | None] = mapped_column(String(16), index=True)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReplyRow(Base):
    """Every outbound reply, recorded before sending so undelivered ones can be retried."""

    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trace_id: Mapped[str] = mapped_column(String(32), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    channel: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    # Everything else needed to send it again: buttons, file path, edit target, ...
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=sql_text("0"))
    error: Mapped[str | None] = mapped_column(Text)
    external_message_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FeedbackRow(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("replies.id"))
    trace_id: Mapped[str | None] = mapped_column(String(32))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditRow(Base):
    """Who changed what: admin commands, role and setting changes."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class DialogueStateRow(Base):
    """The dialogue manager's per-(chat, user) state, e.g. a half-filled form."""

    __tablename__ = "dialogue_state"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SchedulerJobRow(Base):
    """APScheduler 3.11's ``SQLAlchemyJobStore`` table, declared here so Alembic owns it.

    Must stay identical to ``apscheduler.jobstores.sqlalchemy`` (191 = MySQL's utf8mb4 key
    limit, Float(25) = an 8-byte float); the job store only creates it when it is missing.
    """

    __tablename__ = "apscheduler_jobs"

    id: Mapped[str] = mapped_column(Unicode(191), primary_key=True)
    next_run_time: Mapped[float | None] = mapped_column(Float(25), index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary)
