"""FeedbackLog and AuditLog on both backends."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.events import FeedbackGiven, OutboundReply, utcnow
from bot.storage import AuditLog, AuditRow, Database, FeedbackLog, FeedbackRow, ReplyLog
from tests.bot.storage.helpers import CHAT_ID, USER_ID


async def test_feedback_on_a_recorded_reply(database: Database) -> None:
    out = OutboundReply(chat_id=CHAT_ID, user_id=USER_ID, channel="telegram", text="Готово")
    reply_id = await ReplyLog(database).record(out)
    feedback = FeedbackGiven(
        chat_id=CHAT_ID,
        user_id=USER_ID,
        trace_id=out.trace_id,
        reply_id=reply_id,
        kind="thumbs",
        value=1.0,
    )
    log = FeedbackLog(database)
    feedback_id = await log.record(feedback)
    await log.record(
        FeedbackGiven(chat_id=CHAT_ID, user_id=USER_ID, reply_id=None, kind="score", value=0.25)
    )

    async with database.session() as session:
        rows = (
            (await session.execute(select(FeedbackRow).order_by(FeedbackRow.id))).scalars().all()
        )
    assert rows[0].id == feedback_id
    assert [(r.reply_id, r.trace_id, r.kind, r.value) for r in rows] == [
        (reply_id, out.trace_id, "thumbs", 1.0),
        (None, rows[1].trace_id, "score", 0.25),
    ]
    assert rows[0].created_at.tzinfo is UTC


async def test_feedback_must_name_an_existing_reply(database: Database) -> None:
    # SQLite enforces foreign keys only when asked to (the connection pragma).
    with pytest.raises(IntegrityError):
        await FeedbackLog(database).record(
            FeedbackGiven(chat_id=CHAT_ID, user_id=USER_ID, reply_id=999, kind="thumbs", value=-1)
        )


async def test_audit_log_recent_is_newest_first(database: Database) -> None:
    log = AuditLog(database)
    first = await log.record(USER_ID, "user.set_role", "user:42", {"from": "user", "to": "admin"})
    second = await log.record(
        USER_ID, "plugin.disable", "reminders", {"причина": "тест", "chats": [1, 2, {"x": None}]}
    )
    third = await log.record(USER_ID, "bot.restart")
    # Give the first entry the latest time: order follows time, not insertion.
    async with database.session() as session:
        row = await session.get(AuditRow, first)
        assert row is not None
        row.created_at = utcnow() + timedelta(minutes=1)

    entries = await log.recent()
    assert [e.id for e in entries] == [first, third, second]
    assert entries[2].details == {"причина": "тест", "chats": [1, 2, {"x": None}]}
    assert (entries[1].target, entries[1].details) == (None, {})
    assert entries[0].created_at.tzinfo is UTC
    assert [e.id for e in await log.recent(limit=1)] == [first]
