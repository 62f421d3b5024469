from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.observability import JsonFormatter, configure_handlers, log_context


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    configure_handlers([handler], json_lines=True)
    # A child logger: the filter must work on records propagated to the parent's handler.
    parent = logging.getLogger("sova-test-logs")
    parent.addHandler(handler)
    parent.setLevel(logging.DEBUG)
    yield logging.getLogger("sova-test-logs.child"), stream
    parent.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_carry_context_only_inside_a_turn(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    log, stream = captured
    log.info("before")
    with log_context("trace-1", 42):
        log.warning("напоминание %s", "set")
    log.info("after")

    before, inside, after = lines(stream)
    assert set(before) == {"ts", "level", "logger", "message"}
    assert inside["trace_id"] == "trace-1"
    assert inside["chat_id"] == 42
    assert inside["message"] == "напоминание set"
    assert inside["level"] == "WARNING"
    assert inside["logger"] == "sova-test-logs.child"
    assert "trace_id" not in after
    assert "+00:00" in str(before["ts"])


def test_explicit_extra_and_exceptions(captured: tuple[logging.Logger, io.StringIO]) -> None:
    log, stream = captured
    with log_context("outer", 1):
        try:
            raise ValueError("bad")
        except ValueError:
            log.exception("failed", extra={"trace_id": "explicit"})
    (entry,) = lines(stream)
    assert entry["trace_id"] == "explicit"
    assert entry["chat_id"] == 1
    assert "ValueError: bad" in str(entry["exc"])


async def test_concurrent_turns_keep_their_own_ids(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    log, stream = captured

    async def turn(trace: str) -> None:
        with log_context(trace, trace):
            await asyncio.sleep(0)
            log.info("step")

    await asyncio.gather(turn("a"), turn("b"))
    assert sorted((e["trace_id"], e["chat_id"]) for e in lines(stream)) == [("a", "a"), ("b", "b")]


def test_formatter_without_filter_omits_ids() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "plain", None, None)
    assert json.loads(JsonFormatter().format(record))["message"] == "plain"
