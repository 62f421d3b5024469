"""Database URLs: one configured URL, seen by an async driver, a sync driver and the logs.

Sova talks to its database through async drivers (aiosqlite, asyncpg), but APScheduler 3's
job store and the ``alembic`` CLI's offline mode need a sync driver for the same database,
so both forms are derived here from whatever the operator configured.
"""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url

# Backend → (async driver, sync driver). psycopg (v3) is the sync PostgreSQL driver because
# it is the one the project pins; pysqlite ships with Python.
_DRIVERS: dict[str, tuple[str, str]] = {
    "sqlite": ("aiosqlite", "pysqlite"),
    "postgresql": ("asyncpg", "psycopg"),
}

# Spellings people (and hosting providers) use for the same backends.
_BACKEND_ALIASES = {"postgres": "postgresql", "postgresql": "postgresql", "sqlite": "sqlite"}


def _parse(url: str | URL) -> tuple[URL, str]:
    parsed = make_url(url)
    backend = _BACKEND_ALIASES.get(parsed.get_backend_name())
    if backend is None:
        supported = ", ".join(sorted(_DRIVERS))
        raise ValueError(f"unsupported database {parsed.get_backend_name()!r}; use {supported}")
    return parsed, backend


def async_url(url: str | URL) -> URL:
    """``url`` with its async driver: ``sqlite:///x.db`` → ``sqlite+aiosqlite:///x.db``."""
    parsed, backend = _parse(url)
    return parsed.set(drivername=f"{backend}+{_DRIVERS[backend][0]}")


def sync_url(url: str | URL) -> URL:
    """``url`` with a sync driver, e.g. for APScheduler 3's ``SQLAlchemyJobStore``."""
    parsed, backend = _parse(url)
    driver = _DRIVERS[backend][1]
    # Plain "sqlite" already means pysqlite; keep the URL in the form people recognise.
    return parsed.set(drivername=backend if driver == "pysqlite" else f"{backend}+{driver}")


def is_sqlite(url: str | URL) -> bool:
    return _parse(url)[1] == "sqlite"


def render(url: URL, *, hide_password: bool) -> str:
    """The URL as a string; ``URL.__str__`` always masks, which breaks real connections."""
    return url.render_as_string(hide_password=hide_password)
