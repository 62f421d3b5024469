"""A status message that is edited in place while long work runs ("Transcribing… 40%")."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.events import InboundMessage, OutboundReply
from bot.storage import Database, ReplyLog


class ProgressMessage:
    """Made by ``ctx.progress(text)``. ``update(text)`` edits the message once the channel has
    delivered it and given it an id; before that (or on channels that cannot edit) an update
    is skipped: progress is a courtesy, the final answer comes as its own reply."""

    def __init__(
        self,
        send: Callable[[OutboundReply], Awaitable[int]],
        db: Database,
        message: InboundMessage,
        lang: str,
        reply_id: int,
        text: str,
    ) -> None:
        self._send = send
        self._db = db
        self._message = message
        self._lang = lang
        self.reply_id = reply_id
        self._shown = text

    async def update(self, text: str) -> bool:
        """Show ``text`` instead; False when the message cannot be edited (yet)."""
        if text == self._shown:
            return True
        record = await ReplyLog(self._db).get(self.reply_id)
        if record is None or record.external_message_id is None:
            return False
        await self._send(
            OutboundReply.answering(
                self._message,
                text,
                lang=self._lang,
                edit_external_message_id=record.external_message_id,
                speakable=False,
            )
        )
        self._shown = text
        return True
