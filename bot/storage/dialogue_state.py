"""Per-(chat, user) dialogue state, persisted so a half-finished dialogue survives restarts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from bot.events import utcnow
from bot.storage import upsert
from bot.storage.database import Database
from bot.storage.rowcount import affected_rows
from bot.storage.tables import DialogueStateRow


class DialogueStateStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self, chat_id: int, user_id: int) -> dict[str, Any] | None:
        statement = select(DialogueStateRow.state).where(
            DialogueStateRow.chat_id == chat_id, DialogueStateRow.user_id == user_id
        )
        async with self._db.session() as session:
            return (await session.execute(statement)).scalar_one_or_none()

    async def save(self, chat_id: int, user_id: int, state: dict[str, Any]) -> None:
        """Replace the state (one upsert: no lost insert when two saves race)."""
        insert = upsert.insert(self._db.dialect, DialogueStateRow).values(
            chat_id=chat_id, user_id=user_id, state=state, updated_at=utcnow()
        )
        statement = insert.on_conflict_do_update(
            index_elements=[DialogueStateRow.chat_id, DialogueStateRow.user_id],
            set_={"state": insert.excluded.state, "updated_at": insert.excluded.updated_at},
        )
        async with self._db.session() as session:
            await session.execute(statement)

    async def clear(self, chat_id: int, user_id: int) -> bool:
        """Forget the state; False if there was none."""
        statement = delete(DialogueStateRow).where(
            DialogueStateRow.chat_id == chat_id, DialogueStateRow.user_id == user_id
        )
        async with self._db.session() as session:
            result = await session.execute(statement)
        return affected_rows(result) > 0
