"""User ratings of replies (thumbs, scores), for measuring and improving answers."""

from __future__ import annotations

from bot.events import FeedbackGiven, utcnow
from bot.storage.database import Database
from bot.storage.tables import FeedbackRow


class FeedbackLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, feedback: FeedbackGiven) -> int:
        """Store one rating; ``reply_id`` must name a recorded reply (or be None)."""
        row = FeedbackRow(
            reply_id=feedback.reply_id,
            trace_id=feedback.trace_id,
            chat_id=feedback.chat_id,
            user_id=feedback.user_id,
            kind=feedback.kind,
            value=feedback.value,
            created_at=utcnow(),
        )
        async with self._db.session() as session:
            session.add(row)
            await session.flush()
            return row.id
