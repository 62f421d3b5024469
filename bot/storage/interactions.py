"""The interaction log: what each inbound message was, how it was understood, how it ended."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select, update

from bot.events import InboundMessage, MessageKind, utcnow
from bot.storage import upsert
from bot.storage.database import Database
from bot.storage.records import InteractionRecord, snapshot
from bot.storage.rowcount import affected_rows
from bot.storage.tables import MessageRow
from bot.storage.vocab import Outcome


class InteractionLog:
    """One ``messages`` row per inbound message, keyed for updates by its ``trace_id``."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record_inbound(self, msg: InboundMessage) -> bool:
        """Record a new inbound message; False if it was already recorded (a duplicate).

        A duplicate is the same ``event_id`` or the same channel update id (Telegram
        redelivers updates). The unique constraints decide, in one statement, so two
        workers racing on the same update cannot both win.
        """
        statement = (
            upsert.insert(self._db.dialect, MessageRow)
            .values(
                event_id=msg.event_id,
                trace_id=msg.trace_id,
                channel=msg.channel,
                external_update_id=msg.external_update_id,
                chat_id=msg.chat_id,
                user_id=msg.user_id,
                kind=msg.kind.value,
                text=msg.text,
                attachment=None if msg.attachment is None else asdict(msg.attachment),
                lang=msg.lang,
                # When we recorded it, not msg.ts: a backlog replayed after downtime must
                # not look "old and unfinished" to recovery the moment it is recorded.
                created_at=utcnow(),
            )
            .on_conflict_do_nothing()
            .returning(MessageRow.id)
        )
        async with self._db.session() as session:
            new_id = (await session.execute(statement)).scalar_one_or_none()
        return new_id is not None

    async def record_understanding(
        self,
        trace_id: str,
        *,
        lang: str | None,
        intent: str | None,
        confidence: float | None,
        slots: dict[str, Any],
        plugin: str | None,
    ) -> bool:
        """Store the NLU result and the plugin chosen; False if the trace is unknown."""
        return await self._update(
            trace_id,
            lang=lang,
            intent=intent,
            confidence=confidence,
            slots=slots,
            plugin=plugin,
        )

    async def record_transcript(self, trace_id: str, transcript: str, lang: str | None) -> bool:
        """Store the speech recogniser's text for a voice message."""
        return await self._update(trace_id, transcript=transcript, lang=lang)

    async def finish(
        self,
        trace_id: str,
        *,
        outcome: str,
        error: str | None = None,
        latency_ms: dict[str, float],
        understanding: dict[str, Any] | None = None,
    ) -> bool:
        """Close the turn. The first outcome wins: False if unknown or already finished.

        First-wins because a turn that timed out (and told the user so) may still have
        its handler fail later; the log should say what the user saw. ``understanding``
        (lang, intent, confidence, slots, plugin) is stored in the same statement, which
        saves the pipeline a transaction per message.
        """
        statement = (
            update(MessageRow)
            .where(MessageRow.trace_id == trace_id, MessageRow.finished_at.is_(None))
            .values(
                outcome=Outcome(outcome).value,
                error=error,
                latency_ms=dict(latency_ms),
                finished_at=utcnow(),
                **_understanding_columns(understanding or {}),
            )
        )
        async with self._db.session() as session:
            result = await session.execute(statement)
        return affected_rows(result) > 0

    async def by_trace(self, trace_id: str) -> InteractionRecord | None:
        statement = select(MessageRow).where(MessageRow.trace_id == trace_id).limit(1)
        async with self._db.session() as session:
            row = (await session.execute(statement)).scalar_one_or_none()
            return None if row is None else snapshot(InteractionRecord, row)

    async def unfinished(
        self, older_than: timedelta, *, limit: int = 100
    ) -> list[InteractionRecord]:
        """Turns recorded more than ``older_than`` ago and never finished, oldest first.

        For start-up recovery: these were in flight when the process died.
        """
        cutoff = utcnow() - older_than
        statement = (
            select(MessageRow)
            .where(MessageRow.finished_at.is_(None), MessageRow.created_at < cutoff)
            .order_by(MessageRow.created_at, MessageRow.id)
            .limit(limit)
        )
        return await self._records(statement)

    async def recent(self, chat_id: int, limit: int = 20) -> list[InteractionRecord]:
        """The chat's latest messages, newest first."""
        statement = (
            select(MessageRow)
            .where(MessageRow.chat_id == chat_id)
            .order_by(MessageRow.created_at.desc(), MessageRow.id.desc())
            .limit(limit)
        )
        return await self._records(statement)

    async def latest_file(
        self, chat_id: int, user_id: int, kind: MessageKind, since: datetime
    ) -> InteractionRecord | None:
        """The newest message of ``kind`` (a document, a photo) with its file from ``user_id``
        in ``chat_id`` since ``since``."""
        statement = (
            select(MessageRow)
            .where(
                MessageRow.chat_id == chat_id,
                MessageRow.user_id == user_id,
                MessageRow.kind == kind.value,
                MessageRow.attachment.is_not(None),
                MessageRow.created_at >= since,
            )
            .order_by(MessageRow.created_at.desc(), MessageRow.id.desc())
            .limit(1)
        )
        records = await self._records(statement)
        return records[0] if records else None

    async def count_since(self, ts: datetime) -> int:
        statement = select(func.count()).select_from(MessageRow).where(MessageRow.created_at >= ts)
        async with self._db.session() as session:
            return (await session.execute(statement)).scalar_one()

    async def _update(self, trace_id: str, **values: Any) -> bool:
        statement = update(MessageRow).where(MessageRow.trace_id == trace_id).values(**values)
        async with self._db.session() as session:
            result = await session.execute(statement)
        return affected_rows(result) > 0

    async def _records(self, statement: Select[MessageRow]) -> list[InteractionRecord]:
        async with self._db.session() as session:
            rows = (await session.execute(statement)).scalars().all()
            return [snapshot(InteractionRecord, row) for row in rows]


_UNDERSTANDING_COLUMNS = ("lang", "intent", "confidence", "slots", "plugin")


def _understanding_columns(understanding: dict[str, Any]) -> dict[str, Any]:
    unknown = set(understanding) - set(_UNDERSTANDING_COLUMNS)
    if unknown:
        raise ValueError(f"not understanding columns: {sorted(unknown)}")
    return dict(understanding)
