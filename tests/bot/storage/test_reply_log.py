"""ReplyLog on both backends: pending → sent/failed, attempts, redelivery order."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from bot.events import Button, OutboundReply, utcnow
from bot.storage import Database, ReplyLog, to_reply
from tests.bot.storage.helpers import CHAT_ID, USER_ID, backdate_reply

BUTTONS = (
    (Button(text="👍 Да", data="fb:up"), Button(text="👎 Нет", data="fb:down")),
    (Button(text="Отменить напоминание", data="reminders:cancel:17"),),
)


def reply(text: str = "Хорошо, напомню в 18:00 купить молоко", **overrides: Any) -> OutboundReply:
    fields: dict[str, Any] = {
        "chat_id": CHAT_ID,
        "user_id": USER_ID,
        "lang": "ru",
        "channel": "telegram",
        "text": text,
        "buttons": BUTTONS,
    }
    fields.update(overrides)
    return OutboundReply(**fields)


async def test_record_stores_a_pending_reply(database: Database) -> None:
    log = ReplyLog(database)
    out = reply()
    reply_id = await log.record(out)
    assert isinstance(reply_id, int)

    record = await log.get(reply_id)
    assert record is not None
    assert (record.status, record.attempts, record.error) == ("pending", 0, None)
    assert (record.trace_id, record.chat_id, record.channel, record.kind) == (
        out.trace_id,
        CHAT_ID,
        "telegram",
        "text",
    )
    assert record.text == out.text
    assert record.payload["buttons"][0][0] == {"text": "👍 Да", "data": "fb:up"}
    assert record.created_at.tzinfo is UTC and record.delivered_at is None


async def test_stored_reply_rebuilds_the_event(database: Database) -> None:
    log = ReplyLog(database)
    out = reply(
        kind="document", file_path="/var/sova/exports/отчёт.pdf", edit_external_message_id="9"
    )
    reply_id = await log.record(out)
    record = await log.get(reply_id)
    assert record is not None

    rebuilt = to_reply(record)
    expected = {**out.to_dict(), "reply_id": reply_id}
    assert {k: v for k, v in rebuilt.to_dict().items() if k != "ts"} == {
        k: v for k, v in expected.items() if k != "ts"
    }


async def test_mark_sent(database: Database) -> None:
    log = ReplyLog(database)
    reply_id = await log.record(reply())
    assert await log.mark_sent(reply_id, external_message_id="55501")

    record = await log.get(reply_id)
    assert record is not None
    assert (record.status, record.attempts, record.external_message_id) == ("sent", 1, "55501")
    assert record.delivered_at is not None and record.delivered_at.tzinfo is UTC
    assert await log.undelivered() == []


async def test_mark_failed_counts_attempts(database: Database) -> None:
    log = ReplyLog(database)
    reply_id = await log.record(reply())
    assert await log.mark_failed(reply_id, "TelegramRetryAfter: retry in 3s")
    assert await log.mark_failed(reply_id, "TelegramForbiddenError: bot was blocked")

    record = await log.get(reply_id)
    assert record is not None
    assert (record.status, record.attempts) == ("failed", 2)
    assert record.error == "TelegramForbiddenError: bot was blocked"
    assert record.delivered_at is None
    assert await log.undelivered() == []


async def test_marking_an_unknown_reply_reports_false(database: Database) -> None:
    log = ReplyLog(database)
    assert await log.mark_sent(424242) is False
    assert await log.mark_failed(424242, "x") is False
    assert await log.get(424242) is None


async def test_undelivered_is_pending_oldest_first(database: Database) -> None:
    log = ReplyLog(database)
    now = utcnow()
    ids = [await log.record(reply(text=f"ответ {i}")) for i in range(5)]
    # Recorded in id order, but created at shuffled times: order must follow time.
    for reply_id, minutes_ago in zip(ids, (3, 5, 1, 4, 2), strict=True):
        await backdate_reply(database, reply_id, now - timedelta(minutes=minutes_ago))
    await log.mark_sent(ids[3])  # 4 minutes ago, but delivered
    await log.mark_failed(ids[4], "gave up")  # failed is final, not undelivered

    pending = await log.undelivered()
    assert [r.text for r in pending] == ["ответ 1", "ответ 0", "ответ 2"]
    assert [r.id for r in await log.undelivered(limit=2)] == [ids[1], ids[0]]
