"""InteractionLog on both backends: de-duplication, round-trips, recovery queries."""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta

import pytest
from sqlalchemy import func, select

from bot.events import MessageKind, utcnow
from bot.storage import Database, InteractionLog, MessageRow
from tests.bot.storage.helpers import CHAT_ID, backdate_message, inbound

SLOTS = {
    "when": {"type": "datetime", "value": "2026-11-22T18:00:00+03:00", "text": "в шесть вечера"},
    "what": "купить молоко",
    "items": [{"name": "молоко", "qty": 2}, {"name": "хлеб", "qty": None}],
    "flags": {"urgent": True, "repeat": False},
}


async def message_count(db: Database) -> int:
    async with db.session() as session:
        count = await session.scalar(select(func.count()).select_from(MessageRow))
    return int(count or 0)


async def test_records_an_inbound_message(database: Database) -> None:
    log = InteractionLog(database)
    msg = inbound(kind=MessageKind.VOICE, text="", lang="ru", external_update_id="1001")
    assert await log.record_inbound(msg) is True

    record = await log.by_trace(msg.trace_id)
    assert record is not None
    assert (record.event_id, record.chat_id, record.user_id) == (
        msg.event_id,
        msg.chat_id,
        msg.user_id,
    )
    assert (record.kind, record.text, record.lang) == ("voice", "", "ru")
    assert record.external_update_id == "1001"
    assert record.outcome is None and record.finished_at is None
    assert record.slots is None and record.latency_ms is None  # SQL NULL, not JSON null
    assert record.created_at.tzinfo is UTC
    assert abs(record.created_at - utcnow()) < timedelta(minutes=1)


async def test_same_event_id_is_a_duplicate(database: Database) -> None:
    log = InteractionLog(database)
    msg = inbound(external_update_id="1")
    assert await log.record_inbound(msg) is True
    assert await log.record_inbound(msg) is False
    assert await message_count(database) == 1


async def test_same_channel_update_id_is_a_duplicate(database: Database) -> None:
    log = InteractionLog(database)
    assert await log.record_inbound(inbound(external_update_id="42")) is True
    # A redelivered Telegram update gets a fresh event_id but keeps its update id.
    assert await log.record_inbound(inbound(external_update_id="42", text="again")) is False
    assert await message_count(database) == 1
    # The same number from another channel is another update.
    assert await log.record_inbound(inbound(external_update_id="42", channel="cli")) is True
    # Messages without an update id never collide with each other.
    assert await log.record_inbound(inbound()) is True
    assert await log.record_inbound(inbound()) is True
    assert await message_count(database) == 4


async def test_racing_duplicates_record_exactly_once(database: Database) -> None:
    log = InteractionLog(database)
    copies = [inbound(external_update_id="777") for _ in range(8)]
    results = await asyncio.gather(*(log.record_inbound(m) for m in copies))
    assert sorted(results) == [False] * 7 + [True]
    assert await message_count(database) == 1


async def test_understanding_and_transcript_round_trip(database: Database) -> None:
    log = InteractionLog(database)
    msg = inbound(kind=MessageKind.VOICE, text="")
    await log.record_inbound(msg)

    assert await log.record_transcript(msg.trace_id, "Напомни купить молоко", "ru")
    assert await log.record_understanding(
        msg.trace_id,
        lang="ru",
        intent="reminders.set_reminder",
        confidence=0.93,
        slots=SLOTS,
        plugin="reminders",
    )
    record = await log.by_trace(msg.trace_id)
    assert record is not None
    assert record.transcript == "Напомни купить молоко"
    assert (record.lang, record.intent, record.plugin) == (
        "ru",
        "reminders.set_reminder",
        "reminders",
    )
    assert record.confidence == pytest.approx(0.93)
    assert record.slots == SLOTS


async def test_updates_of_an_unknown_trace_report_false(database: Database) -> None:
    log = InteractionLog(database)
    assert await log.record_transcript("0" * 32, "x", None) is False
    assert await log.finish("0" * 32, outcome="ok", latency_ms={}) is False


async def test_finish_first_outcome_wins(database: Database) -> None:
    log = InteractionLog(database)
    msg = inbound()
    await log.record_inbound(msg)
    latency = {"nlu": 12.5, "handler": 40.25, "total": 60.0}

    assert await log.finish(
        msg.trace_id, outcome="timeout", error="handler > 10s", latency_ms=latency
    )
    assert (
        await log.finish(msg.trace_id, outcome="error", error="late failure", latency_ms={})
        is False
    )

    record = await log.by_trace(msg.trace_id)
    assert record is not None
    assert (record.outcome, record.error, record.latency_ms) == (
        "timeout",
        "handler > 10s",
        latency,
    )
    assert record.finished_at is not None and record.finished_at.tzinfo is UTC
    assert record.finished_at >= record.created_at


async def test_finish_refuses_an_unknown_outcome(database: Database) -> None:
    log = InteractionLog(database)
    msg = inbound()
    await log.record_inbound(msg)
    with pytest.raises(ValueError, match="done"):
        await log.finish(msg.trace_id, outcome="done", latency_ms={})


async def test_unfinished_lists_old_open_turns_oldest_first(database: Database) -> None:
    log = InteractionLog(database)
    now = utcnow()
    old, older, finished, fresh = (inbound() for _ in range(4))
    for msg in (old, older, finished, fresh):
        await log.record_inbound(msg)
    await backdate_message(database, old.trace_id, now - timedelta(minutes=10))
    await backdate_message(database, older.trace_id, now - timedelta(hours=2))
    await backdate_message(database, finished.trace_id, now - timedelta(hours=3))
    await log.finish(finished.trace_id, outcome="ok", latency_ms={"total": 1.0})

    stale = await log.unfinished(timedelta(minutes=5))
    assert [r.trace_id for r in stale] == [older.trace_id, old.trace_id]
    assert [r.trace_id for r in await log.unfinished(timedelta(hours=1))] == [older.trace_id]
    assert len(await log.unfinished(timedelta(minutes=5), limit=1)) == 1
    assert await log.unfinished(timedelta(days=1)) == []


async def test_recent_is_newest_first_per_chat(database: Database) -> None:
    log = InteractionLog(database)
    now = utcnow()
    msgs = [inbound(text=f"сообщение {i}") for i in range(5)]
    for i, msg in enumerate(msgs):
        await log.record_inbound(msg)
        await backdate_message(database, msg.trace_id, now - timedelta(minutes=10 - i))
    await log.record_inbound(inbound(chat_id=CHAT_ID + 1, text="другой чат"))

    recent = await log.recent(CHAT_ID, limit=3)
    assert [r.text for r in recent] == ["сообщение 4", "сообщение 3", "сообщение 2"]
    assert len(await log.recent(CHAT_ID, limit=50)) == 5


async def test_count_since(database: Database) -> None:
    log = InteractionLog(database)
    now = utcnow()
    msgs = [inbound() for _ in range(3)]
    for msg in msgs:
        await log.record_inbound(msg)
    await backdate_message(database, msgs[0].trace_id, now - timedelta(days=2))

    assert await log.count_since(now - timedelta(days=1)) == 2
    assert await log.count_since(now - timedelta(days=3)) == 3
    assert await log.count_since(utcnow() + timedelta(seconds=1)) == 0
