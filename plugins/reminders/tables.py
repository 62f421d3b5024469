"""The reminders plugin's table, on Sova's shared metadata (migration: 0002_reminders)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.events import utcnow
from bot.storage import Base, UTCDateTime


class ReminderRow(Base):
    """One reminder or timer; ``job_id`` is its APScheduler job while it is scheduled."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    channel: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # reminder | timer
    text: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(String(128))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The user's zone when it was set, to say "at 9:00" back in their local time.
    timezone: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), index=True)  # scheduled | fired | cancelled
    job_id: Mapped[str | None] = mapped_column(String(191))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
