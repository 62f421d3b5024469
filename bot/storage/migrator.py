"""Alembic, driven from code on a connection we already hold.

The migration scripts live in the repository's top-level ``migrations/`` package, found
relative to this file (so it works from any working directory, installed or not). The
async engine lends a sync connection via ``run_sync``; ``migrations/env.py`` picks it up
from ``config.attributes["connection"]`` instead of opening its own.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """A file-less Alembic config for ``migrations/``; no logging setup, unlike the CLI."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(connection: Connection, revision: str) -> None:
    command.upgrade(alembic_config(connection), revision)


def downgrade(connection: Connection, revision: str) -> None:
    command.downgrade(alembic_config(connection), revision)


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
