"""Alembic owns the schema: up, down, up again, and the models agree with the scripts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Connection, inspect, select

from bot.storage import Base, Database, SchedulerJobRow

CORE_TABLES = {
    "users",
    "chats",
    "messages",
    "replies",
    "feedback",
    "audit_log",
    "dialogue_state",
    "apscheduler_jobs",
}
ALL_TABLES = CORE_TABLES | {
    "reminders",
    "broadcasts",
    "qa_documents",
    "qa_passages",
    "abtest_experiments",
    "abtest_exposures",
    "rec_items",
    "rec_interactions",
    "rec_tastes",
}


@pytest.fixture
async def empty_db(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    try:
        yield db
    finally:
        await db.dispose()


async def tables(db: Database) -> set[str]:
    async with db.engine.connect() as connection:
        names = await connection.run_sync(lambda c: inspect(c).get_table_names())
    return set(names) - {"alembic_version"}


async def test_upgrade_to_head_creates_every_table(empty_db: Database) -> None:
    assert await empty_db.current_revision() is None
    await empty_db.upgrade()
    assert await tables(empty_db) == ALL_TABLES
    assert await empty_db.current_revision() == "0007"


async def test_models_match_the_migrations(empty_db: Database) -> None:
    # Imported here, not at the top: it runs the whole reminders plugin package, and a
    # problem there should fail this test, not every migration test.
    import plugins.abtest.tables
    import plugins.admin.tables
    import plugins.qa.tables
    import plugins.recommend.tables
    import plugins.reminders.tables  # noqa: F401  (puts reminders on Base.metadata)

    await empty_db.upgrade()

    def diff(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with empty_db.engine.connect() as connection:
        assert await connection.run_sync(diff) == []


async def test_downgrade_step_by_step_to_base(empty_db: Database) -> None:
    await empty_db.upgrade()
    await empty_db.downgrade("0001")
    assert await tables(empty_db) == CORE_TABLES
    assert await empty_db.current_revision() == "0001"
    await empty_db.downgrade("base")
    assert await tables(empty_db) == set()
    assert await empty_db.current_revision() is None


async def test_up_down_up_again(empty_db: Database) -> None:
    await empty_db.upgrade()
    await empty_db.downgrade("base")
    await empty_db.upgrade("head")
    assert await tables(empty_db) == ALL_TABLES
    assert await empty_db.current_revision() == "0007"
    await empty_db.upgrade()  # already at head: a no-op, not an error
    assert await empty_db.current_revision() == "0007"


def remind() -> None:
    """A job target APScheduler can store by reference."""


async def test_apscheduler_uses_the_migrated_job_table(database: Database) -> None:
    run_at = datetime.now(UTC) + timedelta(days=1)

    def schedule() -> None:
        scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(url=database.sync_url)}, timezone=UTC
        )
        scheduler.start(paused=True)
        try:
            scheduler.add_job(remind, "date", run_date=run_at, id="reminder-1")
        finally:
            scheduler.shutdown(wait=False)

    await asyncio.to_thread(schedule)
    async with database.session() as session:
        rows = (await session.execute(select(SchedulerJobRow))).scalars().all()
    assert [row.id for row in rows] == ["reminder-1"]
    assert rows[0].next_run_time == pytest.approx(run_at.timestamp())
    assert rows[0].job_state
