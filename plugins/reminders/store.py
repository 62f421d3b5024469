"""Reading and writing the ``reminders`` table (one row per reminder or timer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update

from bot.events import utcnow
from bot.storage import Database
from plugins.reminders.tables import ReminderRow


@dataclass(frozen=True, slots=True)
class Reminder:
    id: int
    chat_id: int
    user_id: int
    channel: str
    kind: str
    text: str
    name: str | None
    due_at: datetime
    timezone: str
    lang: str
    status: str
    job_id: str | None
    created_at: datetime


def _snapshot(row: ReminderRow) -> Reminder:
    return Reminder(
        id=row.id, chat_id=row.chat_id, user_id=row.user_id, channel=row.channel,
        kind=row.kind, text=row.text, name=row.name, due_at=row.due_at,
        timezone=row.timezone, lang=row.lang, status=row.status, job_id=row.job_id,
        created_at=row.created_at,
    )  # fmt: skip


class ReminderStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        *,
        chat_id: int,
        user_id: int,
        channel: str,
        kind: str,
        text: str,
        name: str | None,
        due_at: datetime,
        timezone: str,
        lang: str,
    ) -> Reminder:
        async with self.db.session() as session:
            row = ReminderRow(
                chat_id=chat_id, user_id=user_id, channel=channel, kind=kind, text=text,
                name=name, due_at=due_at, timezone=timezone, lang=lang, status="scheduled",
            )  # fmt: skip
            session.add(row)
            await session.flush()
            return _snapshot(row)

    async def set_job(self, reminder_id: int, job_id: str) -> None:
        async with self.db.session() as session:
            await session.execute(
                update(ReminderRow).where(ReminderRow.id == reminder_id).values(job_id=job_id)
            )

    async def get(self, reminder_id: int) -> Reminder | None:
        async with self.db.session() as session:
            row = await session.get(ReminderRow, reminder_id)
            return _snapshot(row) if row else None

    async def active(self, chat_id: int, user_id: int) -> list[Reminder]:
        """Scheduled reminders and timers of one user in one chat, soonest first."""
        async with self.db.session() as session:
            rows = await session.scalars(
                select(ReminderRow)
                .where(
                    ReminderRow.chat_id == chat_id,
                    ReminderRow.user_id == user_id,
                    ReminderRow.status == "scheduled",
                )
                .order_by(ReminderRow.due_at, ReminderRow.id)
            )
            return [_snapshot(r) for r in rows]

    async def all_scheduled(self) -> list[Reminder]:
        async with self.db.session() as session:
            rows = await session.scalars(
                select(ReminderRow).where(ReminderRow.status == "scheduled")
            )
            return [_snapshot(r) for r in rows]

    async def count_active(self, user_id: int) -> int:
        async with self.db.session() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(ReminderRow)
                .where(ReminderRow.user_id == user_id, ReminderRow.status == "scheduled")
            )
            return int(count or 0)

    async def mark(self, reminder_id: int, status: str, *, only_if: str = "scheduled") -> bool:
        """Move a reminder out of ``only_if``; False if it was not in that state (a race lost)."""
        values: dict[str, object] = {"status": status}
        if status == "fired":
            values["fired_at"] = utcnow()
        async with self.db.session() as session:
            result = await session.execute(
                update(ReminderRow)
                .where(ReminderRow.id == reminder_id, ReminderRow.status == only_if)
                .values(**values)
            )
            return bool(getattr(result, "rowcount", 0))

    async def delete_user(self, user_id: int) -> list[Reminder]:
        """Delete every reminder of a user; returns the scheduled ones (to cancel their jobs)."""
        async with self.db.session() as session:
            rows = await session.scalars(
                select(ReminderRow).where(
                    ReminderRow.user_id == user_id, ReminderRow.status == "scheduled"
                )
            )
            scheduled = [_snapshot(r) for r in rows]
            await session.execute(delete(ReminderRow).where(ReminderRow.user_id == user_id))
        return scheduled
