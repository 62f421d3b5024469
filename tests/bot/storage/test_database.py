"""The Database handle: transactions, SQLite settings, time-zone handling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import StatementError

from bot.storage import AuditRow, Database


class Boom(Exception):
    pass


async def test_session_commits_on_success(database: Database) -> None:
    async with database.session() as session:
        session.add(AuditRow(actor_id=1, action="test.commit", details={}))
    async with database.session() as session:
        count = await session.scalar(select(func.count()).select_from(AuditRow))
    assert count == 1


async def test_session_rolls_back_on_error(database: Database) -> None:
    with pytest.raises(Boom):
        async with database.session() as session:
            session.add(AuditRow(actor_id=1, action="test.rollback", details={}))
            await session.flush()  # the row really reached the database before the error
            raise Boom
    async with database.session() as session:
        count = await session.scalar(select(func.count()).select_from(AuditRow))
    assert count == 0


async def test_sqlite_connection_settings(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        async with db.engine.connect() as connection:
            journal = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
            foreign_keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar()
            busy = (await connection.execute(text("PRAGMA busy_timeout"))).scalar()
    finally:
        await db.dispose()
    assert (journal, foreign_keys, busy) == ("wal", 1, 15_000)


async def test_sqlite_parent_directory_is_created(tmp_path: Path) -> None:
    path = tmp_path / "var" / "nested" / "sova.db"
    db = Database(f"sqlite:///{path}")
    try:
        await db.upgrade()
    finally:
        await db.dispose()
    assert path.is_file()


async def test_timestamps_come_back_aware_utc_as_the_same_instant(database: Database) -> None:
    moscow = timezone(timedelta(hours=3))
    when = datetime(2026, 12, 31, 23, 59, 30, 123456, tzinfo=moscow)
    async with database.session() as session:
        session.add(_audit(when))
    async with database.session() as session:
        stored = await session.scalar(select(AuditRow.created_at))
        later = await session.scalar(
            select(func.count()).select_from(AuditRow).where(AuditRow.created_at > when)
        )
    assert stored == when
    assert stored is not None and stored.tzinfo is UTC
    assert stored.hour == 20
    assert later == 0  # comparisons in SQL see the same instant too


async def test_naive_datetimes_are_refused(database: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        async with database.session() as session:
            session.add(_audit(datetime(2026, 1, 1, 9, 0)))


def _audit(when: datetime) -> AuditRow:
    return AuditRow(actor_id=1, action="test.time", details={}, created_at=when)
