"""/jobs, /health and /audit: read-only views of the scheduler, the runtime and the log."""

from __future__ import annotations

import re

from bot.config import Settings
from tests.e2e.harness import running_sova
from tests.plugins.admin.helpers import ADMIN


async def test_jobs_lists_a_reminder(settings: Settings) -> None:
    async with running_sova(settings, user_id=ADMIN) as chat:
        assert "No scheduled jobs." in await chat.say("/jobs")
        assert "OK, I'll remind you" in await chat.say("remind me in 10 minutes to stretch")
        answer = await chat.say("/jobs")
    assert "Scheduled jobs: 1 (times in Europe/Moscow)" in answer
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d — reminders\.fire \(reminder-1\)", answer)


async def test_health(settings: Settings) -> None:
    async with running_sova(settings, user_id=ADMIN) as chat:
        answer = await chat.say("/health")
    assert re.search(r"Sova \S+ \(Python 3\.11\.\d+\)", answer)
    assert re.search(r"Database \(sqlite\): OK, SELECT 1 in \d+\.\d ms", answer)
    assert "Scheduler: running, 0 jobs" in answer
    assert "message.in → pipeline: 0 / 1 / 0 / 0" in answer  # this very message is in flight
    assert "Plugins: 4 of 4 on" in answer
    assert "Uptime: 0 d 0 h 0 min" in answer


async def test_audit_shows_the_latest_entries(settings: Settings) -> None:
    async with running_sova(settings, user_id=ADMIN) as chat:
        await chat.say("/plugins disable reminders")
        await chat.say("/plugins enable reminders")
        answer = await chat.say("/audit 3")
        lines = answer.strip().splitlines()
        assert lines[0] == "Audit log, last 3:"
        # Newest first: this /audit, then the enable and the command that asked for it.
        assert lines[1].endswith(f'{ADMIN} command /audit {{"args": "3"}}')
        assert lines[2].endswith(f'{ADMIN} plugins.enable reminders {{"was_enabled": false}}')
        assert lines[3].endswith(f'{ADMIN} command /plugins {{"args": "enable reminders"}}')
        assert len((await chat.say("/audit")).strip().splitlines()) == 1 + 6
        assert "Usage: /audit" in await chat.say("/audit lots")
