"""URL mapping between what operators write, async drivers, sync drivers and logs."""

from __future__ import annotations

import pytest

from bot.storage import Database
from bot.storage.urls import async_url, sync_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///var/sova.db", "sqlite+aiosqlite:///var/sova.db"),
        ("sqlite+aiosqlite:///var/sova.db", "sqlite+aiosqlite:///var/sova.db"),
        ("postgresql://u:pw@db:5432/sova", "postgresql+asyncpg://u:pw@db:5432/sova"),
        ("postgres://u:pw@db/sova", "postgresql+asyncpg://u:pw@db/sova"),
        ("postgresql+psycopg://u:pw@db/sova", "postgresql+asyncpg://u:pw@db/sova"),
        ("postgresql+asyncpg://u:pw@db/sova", "postgresql+asyncpg://u:pw@db/sova"),
    ],
)
def test_async_url(given: str, expected: str) -> None:
    assert async_url(given).render_as_string(hide_password=False) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite+aiosqlite:///var/sova.db", "sqlite:///var/sova.db"),
        ("postgresql+asyncpg://u:pw@db/sova", "postgresql+psycopg://u:pw@db/sova"),
    ],
)
def test_sync_url(given: str, expected: str) -> None:
    assert sync_url(given).render_as_string(hide_password=False) == expected


def test_unsupported_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="mysql"):
        async_url("mysql://u@db/sova")


async def test_database_urls_keep_or_mask_the_password() -> None:
    db = Database("postgresql://sova:s3cret@db.internal:5432/sova")
    try:
        assert db.sync_url == "postgresql+psycopg://sova:s3cret@db.internal:5432/sova"
        assert "s3cret" not in db.url_for_logs
        assert "s3cret" not in repr(db)
        assert db.url_for_logs == "postgresql+asyncpg://sova:***@db.internal:5432/sova"
    finally:
        await db.dispose()
