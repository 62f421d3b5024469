"""Counting Sova's own messages per hour and per day, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.storage import Database, MessageRow
from plugins.forecast.load import load_frequency, load_series, message_counts, window
from plugins.forecast.series import FREQUENCIES

MOSCOW = ZoneInfo("Europe/Moscow")  # UTC+3 all year


async def _add(db: Database, *moments: datetime) -> None:
    async with db.session() as session:
        session.add_all(
            MessageRow(
                event_id=uuid.uuid4().hex,
                trace_id=uuid.uuid4().hex,
                channel="terminal",
                chat_id=1,
                user_id=1,
                kind="text",
                text="hi",
                created_at=moment,
            )
            for moment in moments
        )


async def test_messages_per_hour_in_the_admins_zone(database: Database) -> None:
    now = datetime(2026, 3, 10, 12, 30, tzinfo=UTC)  # 15:30 in Moscow
    await _add(
        database,
        datetime(2026, 3, 10, 9, 5, tzinfo=UTC),  # 12:05 Moscow
        datetime(2026, 3, 10, 9, 55, tzinfo=UTC),  # 12:55 Moscow
        datetime(2026, 3, 10, 11, 0, tzinfo=UTC),  # 14:00 Moscow
        datetime(2026, 3, 10, 12, 10, tzinfo=UTC),  # 15:10: the hour is not over, left out
        datetime(2026, 3, 8, 9, 0, tzinfo=UTC),  # before the window
    )
    span = window(now, 1, FREQUENCIES["hour"], MOSCOW)
    dates, counts = await message_counts(database, span)
    assert len(counts) == 24 and dates[-1] == datetime(2026, 3, 10, 14, 0)
    assert counts[-3:] == [2, 0, 1]  # 12:00, 13:00 (a quiet hour is a zero), 14:00
    assert sum(counts) == 3


async def test_messages_per_day_and_the_series_starts_at_the_first_message(
    database: Database,
) -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    await _add(database, *(datetime(2026, 3, 7, h, tzinfo=UTC) for h in range(5)))
    await _add(database, datetime(2026, 3, 9, 23, 30, tzinfo=UTC))  # 10 March in Moscow
    span = window(now, 7, FREQUENCIES["day"], MOSCOW)
    dates, counts = await message_counts(database, span)
    assert counts == [0, 0, 0, 0, 5, 0, 0]  # 3–9 March; the 10th is today
    series = load_series("messages per day", dates, counts, FREQUENCIES["day"])
    assert series.dates[0] == datetime(2026, 3, 7) and list(series.values) == [5, 0, 0]


def test_hourly_up_to_a_week_daily_beyond() -> None:
    assert load_frequency(timedelta(days=7)).name == "hour"
    assert load_frequency(timedelta(days=8)).name == "day"
