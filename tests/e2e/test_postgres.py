"""The same assistant on the real PostgreSQL server: migrations, log, reminder across restart."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select

from bot.storage import MessageRow
from plugins.reminders.tables import ReminderRow
from tests.e2e.harness import make_settings, running_sova


async def test_reminder_across_restart_on_postgres(
    tmp_path: Path, nlu_cache: Path, postgres_url: str
) -> None:
    settings = make_settings(tmp_path, db_url=postgres_url, nlu_cache=nlu_cache)
    async with running_sova(settings) as chat:
        answer = await chat.say("напомни мне через 3 секунды выпить воды")
        assert "выпить воды" in answer
    await asyncio.sleep(3.5)
    async with running_sova(settings) as chat:
        await chat.wait_for("⏰ Напоминание: выпить воды", within=15)
        async with chat.app.db.session() as session:
            [reminder] = list(await session.scalars(select(ReminderRow)))
            messages = list(await session.scalars(select(MessageRow)))
    assert reminder.status == "fired"
    assert [m.intent for m in messages] == ["set_reminder"]
