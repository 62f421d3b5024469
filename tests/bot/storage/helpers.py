"""Small builders for the storage tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update

from bot.events import InboundMessage, MessageKind
from bot.storage import Database, MessageRow, ReplyRow

CHAT_ID = -100_123_456_789  # Telegram supergroup ids are large negative numbers
USER_ID = 7_000_000_001


def inbound(**overrides: Any) -> InboundMessage:
    fields: dict[str, Any] = {
        "chat_id": CHAT_ID,
        "user_id": USER_ID,
        "channel": "telegram",
        "kind": MessageKind.TEXT,
        "text": "Напомни купить молоко через 10 минут",
        "external_update_id": None,
        "username": "ivan",
        "display_name": "Иван Петров",
        "chat_type": "supergroup",
    }
    fields.update(overrides)
    return InboundMessage(**fields)


async def backdate_message(db: Database, trace_id: str, created_at: datetime) -> None:
    async with db.session() as session:
        await session.execute(
            update(MessageRow).where(MessageRow.trace_id == trace_id).values(created_at=created_at)
        )


async def backdate_reply(db: Database, reply_id: int, created_at: datetime) -> None:
    async with db.session() as session:
        await session.execute(
            update(ReplyRow).where(ReplyRow.id == reply_id).values(created_at=created_at)
        )
