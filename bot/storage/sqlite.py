"""SQLite specifics: the connection settings a multi-task bot needs, and the file's folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

# How long a writer waits for another writer's lock before "database is locked".
BUSY_TIMEOUT_MS = 15_000


def prepare_file(url: URL) -> None:
    """Create the folder of a file database, so ``sqlite:///var/sova.db`` works out of the box."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def install_pragmas(engine: AsyncEngine) -> None:
    """Set the pragmas on every new connection (SQLite keeps them per connection).

    - WAL lets readers run while one writer writes (the bot, the scheduler and admin
      queries share the file);
    - foreign keys are off by default in SQLite, on in PostgreSQL: make them agree;
    - a busy timeout makes concurrent writers queue instead of failing at once;
    - synchronous=NORMAL: in WAL mode a commit survives a crash of the process (what
      "nothing lost under restart" needs) without an fsync per transaction; only an OS
      crash or power cut can lose the last few commits.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()
