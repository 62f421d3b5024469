"""Shared test fixtures: real databases, one SQLite file and one PostgreSQL database.

- ``sqlite_url``: a fresh SQLite file per test.
- ``postgres_url``: a throwaway PostgreSQL database created once per test session
  (``sova_test_<random>``, dropped at the end) and emptied before each test that uses it.
  The server is ``SOVA_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/
  postgres``, the admin database used to create and drop it). If the server is not
  reachable the tests fail, saying so; ``SOVA_TEST_SKIP_POSTGRES=1`` skips them instead.
- ``database_url``: parametrised over both backends (test ids ``[sqlite]``/``[postgres]``).
- ``database``: a ``bot.storage.Database`` on ``database_url``, migrated to head.

Every test also gets the root logger back as it found it: the CLI's ``main()`` (called in-process
by the CLI tests) installs handlers on pytest's captured stderr, which later tests would write to
after it is closed ("Logging error ... I/O operation on closed file"), and which replace the
handler that captures logs for failure reports.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import threading
from collections.abc import AsyncIterator, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy.engine import make_url

from bot.storage import Database

T = TypeVar("T")

POSTGRES_ADMIN_URL = os.environ.get(
    "SOVA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
SKIP_POSTGRES = os.environ.get("SOVA_TEST_SKIP_POSTGRES") == "1"


def _run_in_thread(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on its own loop, off the test's loop.

    Sync fixtures may be set up while pytest-asyncio's loop is current; a separate
    thread keeps ``asyncio.run`` from disturbing (or being refused by) that loop.
    """
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(coro))
        except BaseException as exc:
            error.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]


def _plain_dsn(url: str) -> str:
    """asyncpg wants ``postgresql://``, without a SQLAlchemy driver suffix."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(_plain_dsn(POSTGRES_ADMIN_URL), timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def _empty_schema(url: str) -> None:
    connection = await asyncpg.connect(_plain_dsn(url), timeout=5)
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'sova.db'}"


@pytest.fixture(scope="session")
def _postgres_database() -> Iterator[str]:
    if SKIP_POSTGRES:
        pytest.skip("SOVA_TEST_SKIP_POSTGRES=1")
    name = f"sova_test_{secrets.token_hex(4)}"
    problem = None
    try:
        _run_in_thread(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        problem = f"{type(exc).__name__}: {exc}"
    if problem is not None:
        shown = make_url(POSTGRES_ADMIN_URL).render_as_string(hide_password=True)
        pytest.fail(
            f"PostgreSQL at {shown} is not usable ({problem}). Start it, point "
            "SOVA_TEST_POSTGRES_URL at one, or set SOVA_TEST_SKIP_POSTGRES=1.",
            pytrace=False,
        )
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        # FORCE: an engine a failed test never disposed must not keep the database alive.
        _run_in_thread(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def postgres_url(_postgres_database: str) -> str:
    _run_in_thread(_empty_schema(_postgres_database))
    return _postgres_database


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    await db.upgrade()
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture(scope="session")
def nlu_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One NLU model cache for the whole run: the first build trains, later ones load it."""
    return tmp_path_factory.mktemp("nlu-cache")


@pytest.fixture(autouse=True)
def _root_logger_restored() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)
