"""👍/👎 on answers, kept in the shared ``feedback`` table for later evaluation.

A row names the question's trace (``messages`` holds the question) and the reply that
answered it (``replies`` holds the answer text, its source and confidence), so a rated
question/answer pair can be rebuilt later. One rating per person and answer: pressing the
other button changes it instead of adding a second row.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.events import FeedbackGiven, utcnow
from bot.storage import Database, FeedbackRow, ReplyRow

FEEDBACK_KIND = "qa.answer"


class AnswerFeedback:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def rate(
        self, *, trace_id: str, chat_id: int, user_id: int, value: float
    ) -> FeedbackGiven | None:
        """Store (or change) ``user_id``'s rating of the answer given in turn ``trace_id``;
        None (nothing stored) when this chat got no answer in that turn: a forged button,
        or one whose chat history was deleted (/forget)."""
        async with self._db.session() as session:
            reply_id = await session.scalar(
                select(ReplyRow.id)
                .where(ReplyRow.trace_id == trace_id, ReplyRow.chat_id == chat_id)
                .order_by(ReplyRow.id.desc())
                .limit(1)
            )
            if reply_id is None:
                return None
            row = await session.scalar(
                select(FeedbackRow).where(
                    FeedbackRow.trace_id == trace_id,
                    FeedbackRow.user_id == user_id,
                    FeedbackRow.kind == FEEDBACK_KIND,
                )
            )
            if row is None:
                row = FeedbackRow(
                    reply_id=reply_id, trace_id=trace_id, chat_id=chat_id, user_id=user_id,
                    kind=FEEDBACK_KIND, value=value, created_at=utcnow(),
                )  # fmt: skip
                session.add(row)
            else:
                row.value = value
                row.created_at = utcnow()
        return FeedbackGiven(
            chat_id=chat_id, user_id=user_id, trace_id=trace_id, reply_id=reply_id,
            kind=FEEDBACK_KIND, value=value,
        )  # fmt: skip

    async def ratings(self, trace_id: str) -> list[tuple[int, float]]:
        """(user id, value) of every rating of the answer in turn ``trace_id``."""
        async with self._db.session() as session:
            rows = await session.execute(
                select(FeedbackRow.user_id, FeedbackRow.value)
                .where(FeedbackRow.trace_id == trace_id, FeedbackRow.kind == FEEDBACK_KIND)
                .order_by(FeedbackRow.id)
            )
            return [(int(user), float(value)) for user, value in rows]
