"""An ``OutboundReply`` → the Bot API calls that show it, sent under the rate limits.

A reply becomes one or more calls: its text split to fit (4096 per message, 1024 per
caption, the rest of a caption as following messages), buttons on the last one so they sit
at the bottom, a file as sendPhoto/sendVoice/sendAudio/sendDocument, an edit as
editMessageText. The whole reply is sent within one turn of its chat (see
``bot/channels/ratelimit.py``), so two replies to one chat never interleave.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.methods import (
    EditMessageText,
    SendAudio,
    SendDocument,
    SendMessage,
    SendPhoto,
    SendVoice,
    TelegramMethod,
)
from aiogram.types import FSInputFile, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.channels.ratelimit import ChatTurn, OutgoingLimiter
from bot.channels.telegram_retry import (
    DeliveryRejected,
    DeliveryStats,
    RetryPolicy,
    Sleep,
    call_with_retry,
)
from bot.channels.telegram_text import CAPTION_LIMIT, MESSAGE_LIMIT, escape, split_text
from bot.events import Button, OutboundReply

log = logging.getLogger(__name__)

HTML = "HTML"
CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit for callback_data


def keyboard(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """Inline keyboard rows for ``buttons`` (None when there are none)."""
    rows = [row for row in buttons if row]
    if not rows:
        return None
    for row in rows:
        for button in row:
            if len(button.data.encode()) > CALLBACK_DATA_LIMIT:
                raise DeliveryRejected(
                    f"button {button.text!r}: callback data longer than "
                    f"{CALLBACK_DATA_LIMIT} bytes: {button.data!r}"
                )
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.text, callback_data=b.data) for b in row] for row in rows
        ]
    )


def plan(reply: OutboundReply) -> list[TelegramMethod[Any]]:
    """The Bot API calls that show ``reply``, in order (pure: nothing is sent)."""
    chat_id = reply.chat_id
    markup = keyboard(reply.buttons)
    calls: list[TelegramMethod[Any]] = []
    if reply.file_path and reply.kind != "text":
        parts = split_text(reply.text, MESSAGE_LIMIT, first_limit=CAPTION_LIMIT)
        caption = escape(parts.pop(0)) if parts else None
        calls.append(_media(reply.kind, chat_id, _input_file(reply.file_path), caption))
    else:
        parts = split_text(reply.text)
        if not parts:
            raise DeliveryRejected("the reply has neither text nor a file: nothing to send")
        if reply.edit_external_message_id is not None:
            message_id = int(reply.edit_external_message_id)
            first = escape(parts.pop(0))
            calls.append(
                EditMessageText(
                    chat_id=chat_id, message_id=message_id, text=first, parse_mode=HTML
                )
            )
    calls.extend(SendMessage(chat_id=chat_id, text=escape(p), parse_mode=HTML) for p in parts)
    if markup is not None:
        calls[-1] = calls[-1].model_copy(update={"reply_markup": markup})
    return calls


def _media(
    kind: str, chat_id: int, file: FSInputFile | str, caption: str | None
) -> TelegramMethod[Message]:
    if kind == "photo":
        return SendPhoto(chat_id=chat_id, photo=file, caption=caption, parse_mode=HTML)
    if kind == "voice":
        return SendVoice(chat_id=chat_id, voice=file, caption=caption, parse_mode=HTML)
    if kind == "audio":
        return SendAudio(chat_id=chat_id, audio=file, caption=caption, parse_mode=HTML)
    # "document", and any kind of file Telegram has no better method for.
    return SendDocument(chat_id=chat_id, document=file, caption=caption, parse_mode=HTML)


def _input_file(path: str) -> FSInputFile | str:
    if path.startswith(("http://", "https://")):
        return path  # Telegram fetches it itself
    if not Path(path).is_file():
        raise DeliveryRejected(f"file to send not found: {path}")
    return FSInputFile(path)


class ReplySender:
    """Sends replies through the limiter with retries; counts what happened in ``stats``."""

    def __init__(
        self,
        bot: Bot,
        limiter: OutgoingLimiter,
        *,
        policy: RetryPolicy,
        stats: DeliveryStats,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self.limiter = limiter
        self.policy = policy
        self.stats = stats
        self._sleep = sleep

    async def deliver(self, reply: OutboundReply) -> str | None:
        """Send ``reply``; the id of the (last) message shown, as a string."""
        calls = plan(reply)
        last_id: int | None = None
        # Negative chat ids are groups, supergroups and channels in the Bot API.
        async with self.limiter.turn(reply.chat_id, group=reply.chat_id < 0) as turn:
            for method in calls:
                last_id = await self._call(method, turn, reply)
        return str(last_id) if last_id is not None else None

    async def _call(
        self, method: TelegramMethod[Any], turn: ChatTurn, reply: OutboundReply
    ) -> int:
        what = f"{method.__api_method__} to chat {reply.chat_id} (reply {reply.reply_id})"
        try:
            result = await self._with_retry(method, turn, what)
        except DeliveryRejected as exc:
            if not isinstance(method, EditMessageText):
                raise
            if "message is not modified" in str(exc.__cause__):
                return int(method.message_id or 0)  # it already shows this text
            # Too old to edit, or deleted: saying it anew beats not saying it.
            log.info("%s: cannot edit (%s); sending a new message", what, exc.__cause__)
            fresh = SendMessage(
                chat_id=reply.chat_id,
                text=method.text or "",
                parse_mode=HTML,
                reply_markup=method.reply_markup,
            )
            result = await self._with_retry(fresh, turn, what)
        self.stats.sent += 1
        if isinstance(result, Message):
            return result.message_id
        return int(getattr(method, "message_id", 0) or 0)  # editMessageText answered True

    async def _with_retry(self, method: TelegramMethod[Any], turn: ChatTurn, what: str) -> Any:
        return await call_with_retry(
            lambda: self.bot(method),
            what=what,
            policy=self.policy,
            stats=self.stats,
            slot=turn.slot,
            sleep=self._sleep,
        )
