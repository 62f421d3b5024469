"""The audit log: who did what to whom (admin commands, role and setting changes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.events import utcnow
from bot.storage.database import Database
from bot.storage.records import AuditRecord, snapshot
from bot.storage.tables import AuditRow


class AuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        actor_id: int,
        action: str,
        target: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> int:
        row = AuditRow(
            actor_id=actor_id,
            action=action,
            target=target,
            details=dict(details or {}),
            created_at=utcnow(),
        )
        async with self._db.session() as session:
            session.add(row)
            await session.flush()
            return row.id

    async def recent(self, limit: int = 50) -> list[AuditRecord]:
        """The latest entries, newest first."""
        statement = (
            select(AuditRow).order_by(AuditRow.created_at.desc(), AuditRow.id.desc()).limit(limit)
        )
        async with self._db.session() as session:
            rows = (await session.execute(statement)).scalars().all()
            return [snapshot(AuditRecord, row) for row in rows]
