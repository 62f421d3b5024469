"""Alembic environment for Sova: one history for the core and plugin tables.

Two ways in:
- from code, ``bot.storage.Database.upgrade()`` passes its own connection in
  ``config.attributes["connection"]`` and this file just uses it;
- from the ``alembic`` CLI (developers), run from the repository root::

      alembic -c migrations/alembic.ini -x url=sqlite:///var/sova.db upgrade head
      export SOVA_DATABASE_URL=postgresql://postgres@127.0.0.1/sova
      alembic -c migrations/alembic.ini current
      alembic -c migrations/alembic.ini -x url=... revision --autogenerate \
          --rev-id 0005 -m "what changed"

  The URL may omit the driver; it is mapped to aiosqlite/asyncpg like the bot does.
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from bot.storage import Base, UTCDateTime, urls

config = context.config


def _models_metadata() -> MetaData | None:
    """Core and plugin tables, only for the commands that diff them against the database.

    ``revision --autogenerate`` and ``check`` need every model; running existing scripts
    needs none. Importing a plugin's table module runs the plugin package's ``__init__``
    (the whole plugin and the SDK behind it), so upgrade/downgrade do not.
    """
    options = config.cmd_opts
    command = getattr(options, "cmd", (None,))[0]
    if not getattr(options, "autogenerate", False) and getattr(command, "__name__", "") != "check":
        return None
    import plugins.abtest.tables
    import plugins.admin.tables
    import plugins.qa.tables
    import plugins.recommend.tables
    import plugins.reminders.tables  # noqa: F401

    return Base.metadata


def _cli_url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ.get(
        "SOVA_DATABASE_URL"
    )
    if not url:
        raise SystemExit("no database: pass -x url=... or set SOVA_DATABASE_URL")
    return url


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Autogenerate writes ``UTCDateTime`` as the plain column type it is in the database.

    Migrations must not import application types: they would change under old scripts.
    """
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection, target_metadata: MetaData | None = None) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine(url: str) -> None:
    engine = create_async_engine(urls.async_url(url), poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure, _models_metadata())
    finally:
        await engine.dispose()


def _run_offline(url: str) -> None:
    """``alembic upgrade head --sql``: print the SQL instead of running it."""
    context.configure(
        url=urls.render(urls.sync_url(url), hide_password=False),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    shared: Connection | None = config.attributes.get("connection")
    if shared is not None:
        _configure(shared)
        return
    # Only the CLI configures logging; the bot has its own.
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    if context.is_offline_mode():
        _run_offline(_cli_url())
    else:
        asyncio.run(_run_with_own_engine(_cli_url()))


main()
