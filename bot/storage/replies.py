"""The reply log: every outbound reply is recorded before it is sent, then marked."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from bot.events import Button, OutboundReply, new_id, utcnow
from bot.storage.database import Database
from bot.storage.records import ReplyRecord, snapshot
from bot.storage.rowcount import affected_rows
from bot.storage.tables import ReplyRow
from bot.storage.vocab import ReplyStatus


class ReplyLog:
    """Delivery bookkeeping. ``failed`` is final; ``pending`` means "not known to be sent".

    A reply stays pending from ``record`` until ``mark_sent``/``mark_failed``, so after a
    crash ``undelivered`` lists exactly the replies that may never have reached the user.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, reply: OutboundReply) -> int:
        """Store ``reply`` as pending and return its id (to put in ``reply.reply_id``)."""
        row = ReplyRow(
            trace_id=reply.trace_id,
            chat_id=reply.chat_id,
            channel=reply.channel,
            kind=reply.kind,
            text=reply.text,
            payload=encode_payload(reply),
            status=ReplyStatus.PENDING.value,
            attempts=0,
            created_at=utcnow(),
        )
        async with self._db.session() as session:
            session.add(row)
            await session.flush()
            return row.id

    async def mark_sent(self, reply_id: int, external_message_id: str | None = None) -> bool:
        """The channel accepted it. Counts as an attempt, so ``attempts`` is the total tries."""
        return await self._update(
            reply_id,
            status=ReplyStatus.SENT.value,
            external_message_id=external_message_id,
            error=None,
            delivered_at=utcnow(),
        )

    async def mark_failed(self, reply_id: int, error: str) -> bool:
        return await self._update(reply_id, status=ReplyStatus.FAILED.value, error=error)

    async def get(self, reply_id: int) -> ReplyRecord | None:
        async with self._db.session() as session:
            row = await session.get(ReplyRow, reply_id)
            return None if row is None else snapshot(ReplyRecord, row)

    async def undelivered(self, limit: int = 100) -> list[ReplyRecord]:
        """Pending replies, oldest first (the order they should go out in)."""
        statement = (
            select(ReplyRow)
            .where(ReplyRow.status == ReplyStatus.PENDING.value)
            .order_by(ReplyRow.created_at, ReplyRow.id)
            .limit(limit)
        )
        async with self._db.session() as session:
            rows = (await session.execute(statement)).scalars().all()
            return [snapshot(ReplyRecord, row) for row in rows]

    async def _update(self, reply_id: int, **values: Any) -> bool:
        # attempts + 1 in SQL, not read-modify-write, so concurrent marks cannot lose a count.
        statement = (
            update(ReplyRow)
            .where(ReplyRow.id == reply_id)
            .values(attempts=ReplyRow.attempts + 1, **values)
        )
        async with self._db.session() as session:
            result = await session.execute(statement)
        return affected_rows(result) > 0


def encode_payload(reply: OutboundReply) -> dict[str, Any]:
    """What the columns do not hold but a resend needs, as JSON."""
    return {
        "buttons": [[{"text": b.text, "data": b.data} for b in row] for row in reply.buttons],
        "file_path": reply.file_path,
        "edit_external_message_id": reply.edit_external_message_id,
        "user_id": reply.user_id,
        "lang": reply.lang,
        "event_id": reply.event_id,
    }


def to_reply(record: ReplyRecord) -> OutboundReply:
    """Rebuild the event from a stored reply (e.g. to resend an undelivered one)."""
    payload = record.payload
    return OutboundReply(
        chat_id=record.chat_id,
        user_id=int(payload.get("user_id") or 0),
        lang=payload.get("lang"),
        trace_id=record.trace_id,
        event_id=payload.get("event_id") or new_id(),
        ts=record.created_at,
        channel=record.channel,
        text=record.text,
        kind=record.kind,
        buttons=tuple(
            tuple(Button(text=b["text"], data=b["data"]) for b in row)
            for row in payload.get("buttons", [])
        ),
        file_path=payload.get("file_path"),
        edit_external_message_id=payload.get("edit_external_message_id"),
        reply_id=record.id,
    )
