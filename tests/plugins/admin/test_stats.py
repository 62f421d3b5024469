"""/stats: the numbers match a known history, and the chart is a real PNG."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from pathlib import Path

from PIL import Image

from bot.config import Settings
from plugins.admin.charts import DPI, HEIGHT_IN, WIDTH_IN
from plugins.admin.stats import collect
from tests.e2e.harness import Chat, running_sova
from tests.plugins.admin.helpers import ADMIN
from tests.plugins.admin.history import TZ, seed_history

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def check_stats(chat: Chat, moments: dict[str, datetime]) -> None:
    """Run /stats after ``seed_history`` (and nothing else) and check every number."""
    answer = await chat.say("/stats")
    # The admin counts too: the /stats message itself is today's and not finished yet.
    assert "Users: 4 total, active today 2, active 7 days 3" in answer
    assert "Messages: today 3, 7 days 4" in answer
    assert "Errors (7 days): 33.3% (1 of 3)" in answer
    assert "Replies: pending 1, failed (7 days) 1" in answer
    assert "Top intents (7 days): greet 2, set_reminder 1" in answer
    # Nearest-rank percentiles of [10, 10, 30], [20, 20, 100] and their sums [30, 30, 130];
    # the ten-day-old 999 ms is outside the week.
    assert "  nlu: 10 / 30" in answer
    assert "  handler: 20 / 100" in answer
    assert "  total: 30 / 130" in answer

    [path] = re.findall(r"\[photo: (.+\.png)\]", answer)
    data = await asyncio.to_thread(Path(path).read_bytes)
    assert data.startswith(PNG_SIGNATURE)
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        assert image.size == (int(WIDTH_IN * DPI), int(HEIGHT_IN * DPI))
    assert Path(path).parent == chat.app.settings.app.data_dir / "charts"

    # The chart's series, from the same query: one bar per local day, oldest first.
    stats = await collect(chat.app.db, now=moments["now"], tz=TZ, days=14)
    per_day = {day: n for day, n in stats.per_day}
    assert len(stats.per_day) == 14
    assert per_day[moments["now"].astimezone(TZ).date()] == 3
    assert per_day[moments["three_days_ago"].astimezone(TZ).date()] == 1
    assert per_day[moments["ten_days_ago"].astimezone(TZ).date()] == 1
    assert sum(per_day.values()) == 5


async def test_stats_numbers_and_chart(settings: Settings) -> None:
    async with running_sova(settings, user_id=ADMIN) as chat:
        await check_stats(chat, await seed_history(chat.app.db))


async def test_stats_in_russian_on_an_empty_week(settings: Settings) -> None:
    async with running_sova(settings, user_id=ADMIN) as chat:
        await chat.say("привет")
        answer = await chat.say("/stats")
    assert "Статистика Совы" in answer
    assert "Сообщения: сегодня 2, за 7 дней 2" in answer
    assert "[photo: " in answer
