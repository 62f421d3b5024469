"""The database handle: one async engine, sessions, and migrations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.storage import migrator, sqlite, urls


class Database:
    """Owns the engine for one database URL.

    ``url`` may name the async driver or not: ``sqlite:///var/sova.db`` and
    ``postgresql://user:pw@host/sova`` are mapped to aiosqlite and asyncpg. The schema is
    Alembic's: call ``await db.upgrade()`` at start-up before using the repositories.
    """

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self._url = urls.async_url(url)
        if urls.is_sqlite(self._url):
            sqlite.prepare_file(self._url)
            # One connection: SQLite has one writer at a time anyway, and sessions waiting
            # in the pool's fair queue are served in order, where writers racing for the
            # file lock would back off in SQLite's busy handler (sleeps up to 100 ms each).
            self.engine: AsyncEngine = create_async_engine(
                self._url, echo=echo, pool_size=1, max_overflow=0, pool_timeout=60
            )
            sqlite.install_pragmas(self.engine)
        else:
            # pre_ping: the bot runs for weeks; a server restart must not break the pool.
            self.engine = create_async_engine(self._url, echo=echo, pool_pre_ping=True)
        # expire_on_commit=False: values read in a session stay readable after it closes.
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def sync_url(self) -> str:
        """The same database for a sync driver (APScheduler 3's job store), with password."""
        return urls.render(urls.sync_url(self._url), hide_password=False)

    @property
    def url_for_logs(self) -> str:
        return urls.render(self._url, hide_password=True)

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``, for the few statements that differ."""
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction: committed if the block succeeds, else rolled back."""
        async with self._sessions.begin() as session:
            yield session

    async def upgrade(self, revision: str = "head") -> None:
        async with self.engine.begin() as connection:
            await connection.run_sync(migrator.upgrade, revision)

    async def downgrade(self, revision: str) -> None:
        async with self.engine.begin() as connection:
            await connection.run_sync(migrator.downgrade, revision)

    async def current_revision(self) -> str | None:
        async with self.engine.connect() as connection:
            return await connection.run_sync(migrator.current_revision)

    async def dispose(self) -> None:
        await self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.url_for_logs!r})"
