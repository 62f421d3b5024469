"""Reminders end to end: real bus, real SQLite store, real NLU, real scheduler, restarts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from bot.config import Settings
from bot.storage import MessageRow, ReplyRow
from plugins.reminders.tables import ReminderRow
from tests.e2e.harness import running_sova


async def _rows(chat, model):  # type: ignore[no-untyped-def]
    async with chat.app.db.session() as session:
        return list(await session.scalars(select(model)))


async def test_russian_reminder_is_confirmed_in_russian_and_fires(settings: Settings) -> None:
    async with running_sova(settings) as chat:
        answer = await chat.say("напомни мне через 3 секунды позвонить маме")
        assert "Хорошо, напомню" in answer and "позвонить маме" in answer
        out = await chat.wait_for("⏰ Напоминание: позвонить маме", within=10)
        assert out.count("⏰ Напоминание: позвонить маме") == 1
        [reminder] = await _rows(chat, ReminderRow)
        assert reminder.status == "fired" and reminder.lang == "ru"


async def test_english_reminder_for_tomorrow_is_scheduled(settings: Settings) -> None:
    async with running_sova(settings) as chat:
        answer = await chat.say("remind me tomorrow at 7am to call mom")
        assert "OK, I'll remind you tomorrow at 07:00" in answer
        assert "call mom" in answer
        [reminder] = await _rows(chat, ReminderRow)
        due = reminder.due_at.astimezone(datetime.now(UTC).astimezone().tzinfo)
        assert reminder.status == "scheduled" and reminder.text == "call mom"
        assert due > datetime.now(UTC)
        jobs = await chat.app.scheduler.jobs()
        assert [j.id for j in jobs] == [reminder.job_id]
        listing = await chat.say("what are my reminders")
        assert "1. tomorrow at 07:00 — call mom" in listing
        assert "Cancelled: call mom" in await chat.say("cancel reminder 1")
        assert await chat.app.scheduler.jobs() == []


async def test_reminder_survives_a_restart(settings: Settings) -> None:
    async with running_sova(settings) as chat:
        answer = await chat.say("remind me in 4 seconds to water the plants")
        assert "water the plants" in answer
    # Sova is down while the reminder comes due...
    await asyncio.sleep(4.5)
    async with running_sova(settings) as chat:
        out = await chat.wait_for("⏰ Reminder: water the plants", within=15)
        assert out.count("water the plants") == 1
        [reminder] = await _rows(chat, ReminderRow)
        assert reminder.status == "fired"
        replies = await _rows(chat, ReplyRow)
        fired = [r for r in replies if "⏰" in r.text]
        assert [r.status for r in fired] == ["sent"]


async def test_reminder_set_before_restart_fires_after_it(settings: Settings) -> None:
    async with running_sova(settings) as chat:
        await chat.say("напомни через 5 секунд проверить духовку")
    async with running_sova(settings) as chat:
        await chat.wait_for("⏰ Напоминание: проверить духовку", within=15)


async def test_timer_in_both_languages(settings: Settings) -> None:
    async with running_sova(settings) as chat:
        ru = await chat.say("поставь таймер на 1 час и 15 минут")
        assert "Таймер на 1 час 15 минут" in ru
        en = await chat.say("start a 5 minute timer named pizza")
        assert 'Timer for 5 minutes "pizza" started' in en
        rows = await _rows(chat, ReminderRow)
        assert sorted(r.kind for r in rows) == ["timer", "timer"]


async def test_every_message_and_reply_is_stored(settings: Settings) -> None:
    async with running_sova(settings) as chat:
        await chat.say("hello")
        await chat.say("remind me in 10 minutes to stretch")
        messages = await _rows(chat, MessageRow)
        replies = await _rows(chat, ReplyRow)
    assert [m.text for m in messages] == ["hello", "remind me in 10 minutes to stretch"]
    assert [m.intent for m in messages] == ["greet", "set_reminder"]
    assert all(m.outcome == "ok" for m in messages)
    assert all({"record", "nlu", "handler"} <= set(m.latency_ms or {}) for m in messages)
    assert messages[1].slots and messages[1].slots["what"]["text"] == "stretch"
    assert len(replies) == 2 and all(r.status == "sent" for r in replies)
    assert {r.trace_id for r in replies} == {m.trace_id for m in messages}
