"""INSERT … ON CONFLICT, which SQLAlchemy spells per dialect.

Both backends support ``ON CONFLICT DO NOTHING / DO UPDATE`` and ``RETURNING`` (SQLite
since 3.35), which is what makes "insert unless a unique key says it exists" a single
race-free statement instead of a check-then-insert.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from bot.storage.base import Base

Insert = postgresql.Insert | sqlite.Insert


def insert(dialect: str, model: type[Base]) -> Insert:
    if dialect == "postgresql":
        return postgresql.insert(model)
    if dialect == "sqlite":
        return sqlite.insert(model)
    raise NotImplementedError(f"no upsert for dialect {dialect!r}")
