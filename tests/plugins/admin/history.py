"""A known interaction history, written straight into the tables, for /stats and /export.

Three people besides the admin: two wrote this week (one of them got an error), one only
ten days ago (in the chart, not in the week's numbers).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.events import new_id, utcnow
from bot.storage import Database, MessageRow, ReplyRow
from tests.plugins.admin.helpers import add_user

TZ = ZoneInfo("Europe/Moscow")  # config.toml's [app] timezone: the admin's zone in these tests


def _message(
    user_id: int, text: str, *, at: datetime, intent: str, outcome: str, latency: dict[str, float]
) -> MessageRow:
    return MessageRow(
        event_id=new_id(), trace_id=new_id(), channel="terminal", chat_id=user_id,
        user_id=user_id, kind="text", text=text, lang="ru" if text[0] > "z" else "en",
        intent=intent, confidence=0.9, plugin="smalltalk", latency_ms=latency, outcome=outcome,
        error="RuntimeError: boom" if outcome == "error" else None, created_at=at,
        finished_at=at,
    )  # fmt: skip


async def seed_history(db: Database) -> dict[str, datetime]:
    """Write the history; returns the moments used, for the tests' expectations."""
    now = utcnow()
    three_days_ago, ten_days_ago = now - timedelta(days=3), now - timedelta(days=10)
    for user_id in (1, 2, 3):
        await add_user(db, user_id, username=f"user{user_id}")
    fast = {"nlu": 10.0, "handler": 20.0}
    async with db.session() as session:
        session.add_all([
            _message(1, "привет", at=now, intent="greet", outcome="ok", latency=fast),
            _message(1, "=1+1", at=now, intent="greet", outcome="ok", latency=fast),
            _message(2, "remind me", at=three_days_ago, intent="set_reminder", outcome="error",
                     latency={"nlu": 30.0, "handler": 100.0}),
            _message(3, "old news", at=ten_days_ago, intent="greet", outcome="ok",
                     latency={"nlu": 999.0}),
        ])  # fmt: skip
        for status in ("pending", "failed"):
            session.add(
                ReplyRow(
                    trace_id=new_id(),
                    chat_id=1,
                    channel="telegram",
                    kind="text",
                    text="x",
                    payload={},
                    status=status,
                    attempts=1,
                    created_at=now,
                )
            )
    return {"now": now, "three_days_ago": three_days_ago, "ten_days_ago": ten_days_ago}


def local_day(moment: datetime) -> str:
    return moment.astimezone(TZ).strftime("%d.%m.%Y")
