"""👍/👎 on a recommendation also go to the shared ``feedback`` table and the bus, so the
abtest plugin's metrics ("liked", "rating") compare algorithms on real feedback."""

from __future__ import annotations

from sqlalchemy import select

from bot.events import FeedbackGiven
from bot.storage import Database, FeedbackLog, ReplyRow

FEEDBACK_KIND = "recommend.item"


async def rate(
    db: Database, *, trace_id: str, chat_id: int, user_id: int, value: float
) -> FeedbackGiven:
    """Store one rating of the list shown in turn ``trace_id`` (each press is its own row:
    a list holds several items). ``reply_id`` is None when the list is gone (/forget)."""
    async with db.session() as session:
        reply_id = await session.scalar(
            select(ReplyRow.id)
            .where(ReplyRow.trace_id == trace_id, ReplyRow.chat_id == chat_id)
            .order_by(ReplyRow.id.desc())
            .limit(1)
        )
    feedback = FeedbackGiven(
        chat_id=chat_id, user_id=user_id, trace_id=trace_id, reply_id=reply_id,
        kind=FEEDBACK_KIND, value=value,
    )  # fmt: skip
    await FeedbackLog(db).record(feedback)
    return feedback
