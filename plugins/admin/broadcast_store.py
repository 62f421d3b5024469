"""Reading and writing ``broadcasts``, and who a broadcast goes to.

Status changes are compare-and-set UPDATEs (``WHERE status = ...``), so two admins pressing
"Send" at once, or a press racing a cancel, have exactly one winner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update

from bot.events import utcnow
from bot.storage import ChatRow, Database, ReplyRow, Role, UserRow
from bot.storage.rowcount import affected_rows
from plugins.admin.tables import BroadcastRow

PENDING, SENDING, DONE, CANCELLED = "pending", "sending", "done", "cancelled"


@dataclass(frozen=True, slots=True)
class Broadcast:
    id: int
    text: str
    created_by: int
    chat_id: int
    channel: str
    lang: str
    status: str
    total: int
    sent: int
    failed: int
    last_user_id: int | None
    step_token: str | None
    progress_reply_id: int | None
    created_at: datetime

    @property
    def trace_id(self) -> str:
        """Shared by every copy sent, so the replies table tells who already has it."""
        return f"broadcast-{self.id}"


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    channel: str
    lang: str | None


def _snapshot(row: BroadcastRow) -> Broadcast:
    return Broadcast(
        id=row.id, text=row.text, created_by=row.created_by, chat_id=row.chat_id,
        channel=row.channel, lang=row.lang, status=row.status, total=row.total, sent=row.sent,
        failed=row.failed, last_user_id=row.last_user_id, step_token=row.step_token,
        progress_reply_id=row.progress_reply_id, created_at=row.created_at,
    )  # fmt: skip


class BroadcastStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self, *, text: str, created_by: int, chat_id: int, channel: str, lang: str, total: int
    ) -> Broadcast:
        now = utcnow()
        row = BroadcastRow(
            text=text, created_by=created_by, chat_id=chat_id, channel=channel, lang=lang,
            status=PENDING, total=total, sent=0, failed=0, created_at=now, updated_at=now,
        )  # fmt: skip
        async with self.db.session() as session:
            session.add(row)
            await session.flush()
            return _snapshot(row)

    async def get(self, broadcast_id: int) -> Broadcast | None:
        async with self.db.session() as session:
            row = await session.get(BroadcastRow, broadcast_id)
            return _snapshot(row) if row else None

    async def sending(self) -> list[Broadcast]:
        async with self.db.session() as session:
            rows = await session.scalars(
                select(BroadcastRow)
                .where(BroadcastRow.status == SENDING)
                .order_by(BroadcastRow.id)
            )
            return [_snapshot(r) for r in rows]

    async def move(
        self, broadcast_id: int, from_status: Sequence[str], to_status: str, **values: Any
    ) -> bool:
        """Change the status if it is one of ``from_status``; False if someone was first."""
        if to_status == SENDING:
            values.setdefault("started_at", utcnow())
        elif to_status in (DONE, CANCELLED):
            values.setdefault("finished_at", utcnow())
        return await self._update(
            broadcast_id,
            BroadcastRow.status.in_(tuple(from_status)),
            status=to_status,
            **values,
        )

    async def advance(
        self,
        broadcast_id: int,
        *,
        token: str,
        next_token: str,
        cursor: int,
        sent: int,
        failed: int,
    ) -> bool:
        """Commit one batch: move the cursor, add the counts, hand over to the next step.

        Only the step holding the current token may do it; False means a newer chain took
        over (and will redo nothing: the replies already recorded are skipped)."""
        return await self._update(
            broadcast_id,
            BroadcastRow.step_token == token,
            last_user_id=cursor,
            sent=BroadcastRow.sent + sent,
            failed=BroadcastRow.failed + failed,
            step_token=next_token,
        )

    async def take_over(self, broadcast_id: int, *, old_token: str | None, new_token: str) -> bool:
        """Start-up recovery: become the owner of a sending broadcast whose job is gone."""
        condition = (
            BroadcastRow.step_token.is_(None)
            if old_token is None
            else BroadcastRow.step_token == old_token
        )
        return await self._update(
            broadcast_id, condition, BroadcastRow.status == SENDING, step_token=new_token
        )

    async def set_progress_reply(self, broadcast_id: int, reply_id: int) -> None:
        await self._update(broadcast_id, progress_reply_id=reply_id)

    # -- audience ---------------------------------------------------------------------------
    @staticmethod
    def _audience() -> Select[int, str, str | None]:
        """Users with a private chat with Sova (private chat id = user id, as in Telegram)
        who are not banned: only they can be written to first."""
        return (
            select(UserRow.id, UserRow.channel, UserRow.lang)
            .join(ChatRow, ChatRow.id == UserRow.id)
            .where(ChatRow.type == "private", UserRow.role != Role.BANNED.value)
        )

    async def audience_size(self) -> int:
        audience = self._audience().subquery()
        async with self.db.session() as session:
            return int(await session.scalar(select(func.count()).select_from(audience)) or 0)

    async def recipients(self, *, after: int | None, limit: int) -> list[Recipient]:
        statement = self._audience().order_by(UserRow.id).limit(limit)
        if after is not None:
            statement = statement.where(UserRow.id > after)
        async with self.db.session() as session:
            rows = (await session.execute(statement)).all()
        return [Recipient(user_id=r[0], channel=r[1], lang=r[2]) for r in rows]

    async def already_sent(self, broadcast: Broadcast, user_ids: Sequence[int]) -> set[int]:
        """Of ``user_ids``, those whose copy is already recorded (a batch cut by a crash)."""
        statement = select(ReplyRow.chat_id).where(
            ReplyRow.trace_id == broadcast.trace_id, ReplyRow.chat_id.in_(tuple(user_ids))
        )
        async with self.db.session() as session:
            return {int(chat_id) for chat_id in await session.scalars(statement)}

    async def external_message_id(self, reply_id: int) -> str | None:
        """The channel's id of a delivered reply (to edit it), if the channel gave one."""
        async with self.db.session() as session:
            row = await session.get(ReplyRow, reply_id)
            return row.external_message_id if row else None

    async def _update(self, broadcast_id: int, *conditions: Any, **values: Any) -> bool:
        statement = (
            update(BroadcastRow)
            .where(BroadcastRow.id == broadcast_id, *conditions)
            .values(updated_at=utcnow(), **values)
        )
        async with self.db.session() as session:
            return affected_rows(await session.execute(statement)) > 0
