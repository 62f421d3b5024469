"""👍/👎 on answers: one rating per person and answer, tied to the question and the reply."""

from __future__ import annotations

from sqlalchemy import select

from bot.events import OutboundReply
from bot.storage import Database, FeedbackRow, ReplyLog
from plugins.qa.feedback import FEEDBACK_KIND, AnswerFeedback

CHAT = 7


async def test_a_rating_names_the_question_and_the_answer_and_can_change(
    database: Database,
) -> None:
    answer = OutboundReply(chat_id=CHAT, user_id=CHAT, channel="test", text="💡 1873")
    reply_id = await ReplyLog(database).record(answer)
    feedback = AnswerFeedback(database)

    given = await feedback.rate(trace_id=answer.trace_id, chat_id=CHAT, user_id=CHAT, value=1.0)
    assert given is not None
    assert (given.reply_id, given.trace_id, given.kind) == (
        reply_id,
        answer.trace_id,
        FEEDBACK_KIND,
    )
    await feedback.rate(trace_id=answer.trace_id, chat_id=CHAT, user_id=CHAT, value=-1.0)
    await feedback.rate(trace_id=answer.trace_id, chat_id=CHAT, user_id=99, value=1.0)

    assert await feedback.ratings(answer.trace_id) == [(CHAT, -1.0), (99, 1.0)]
    async with database.session() as session:
        rows = (await session.scalars(select(FeedbackRow))).all()
    assert {r.reply_id for r in rows} == {reply_id}


async def test_a_button_without_an_answer_in_this_chat_stores_nothing(
    database: Database,
) -> None:
    answer = OutboundReply(chat_id=CHAT, user_id=CHAT, channel="test", text="💡 1873")
    await ReplyLog(database).record(answer)
    feedback = AnswerFeedback(database)
    assert await feedback.rate(trace_id="f" * 32, chat_id=CHAT, user_id=CHAT, value=1.0) is None
    other_chat = await feedback.rate(trace_id=answer.trace_id, chat_id=8, user_id=8, value=1.0)
    assert other_chat is None
    assert await feedback.ratings(answer.trace_id) == []
