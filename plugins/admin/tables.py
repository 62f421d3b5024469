"""The admin plugin's table, on Sova's shared metadata (migration: 0003_broadcasts)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from bot.events import utcnow
from bot.storage import Base, UTCDateTime


class BroadcastRow(Base):
    """One broadcast: its text, where it stands, and the cursor that makes it resumable.

    Recipients are walked in ascending user id; ``last_user_id`` is the highest id already
    handled, committed after every batch, so a restart continues after it.
    """

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(BigInteger)
    # Where progress is reported: the admin's chat, channel and language.
    chat_id: Mapped[int] = mapped_column(BigInteger)
    channel: Mapped[str] = mapped_column(String(32))
    lang: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending|sending|done|cancelled
    total: Mapped[int] = mapped_column(Integer, default=0, server_default=sql_text("0"))
    sent: Mapped[int] = mapped_column(Integer, default=0, server_default=sql_text("0"))
    failed: Mapped[int] = mapped_column(Integer, default=0, server_default=sql_text("0"))
    last_user_id: Mapped[int | None] = mapped_column(BigInteger)
    # The scheduler job that owns the next batch; a step whose token is not this one is stale
    # (a second chain started by start-up recovery) and does nothing.
    step_token: Mapped[str | None] = mapped_column(String(64))
    # The replies row of the progress message, to edit it instead of sending new ones.
    progress_reply_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
