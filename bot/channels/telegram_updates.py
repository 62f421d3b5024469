"""Telegram ``Update`` → ``InboundMessage``: what Sova hears, and what it ignores in groups.

Pure functions over aiogram's types, so the rules are tested without any network.
In group chats only messages addressed to the bot pass: a command (``/cmd`` or
``/cmd@this_bot``), a mention of ``@this_bot`` (removed from the text), or a reply to one of
the bot's own messages. Button presses always pass: the button sits on the bot's message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aiogram.types import CallbackQuery, Message, Update, User

from bot.events import Attachment, InboundMessage, MessageKind

GROUP_TYPES = frozenset({"group", "supergroup"})
SUPPORTED_LANGUAGES = frozenset({"ru", "en"})
# Anonymous group admins write as this bot account; they are people, not bots.
_ANONYMOUS_ADMIN_ID = 1087968824

# "/start", "/start@SovaBot", "/start@SovaBot args"; Telegram commands are [A-Za-z0-9_].
_COMMAND = re.compile(r"^/(?P<name>\w+)(?:@(?P<bot>\w+))?(?P<rest>(?:\s.*)?)$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class BotIdentity:
    """Who the bot is (from getMe): needed to recognise mentions and replies to it."""

    id: int
    username: str


def to_inbound(update: Update, me: BotIdentity, *, channel: str) -> InboundMessage | None:
    """The message Sova should handle for ``update``, or None when it is not for Sova."""
    if update.message is not None:
        return _from_message(update.message, update.update_id, me, channel)
    if update.callback_query is not None:
        return _from_callback(update.callback_query, update.update_id, channel)
    return None


# Content a person sends that Sova cannot use yet: answered with "unsupported", not ignored.
# (Service messages — members joining, pinned messages — stay ignored.)
_UNSUPPORTED_CONTENT = (
    "sticker", "video", "video_note", "animation", "location", "venue", "contact", "poll",
    "dice",
)  # fmt: skip


def language(user: User) -> str | None:
    """``ru``/``en`` from the user's Telegram ``language_code`` (``en-US`` → ``en``)."""
    code = (user.language_code or "").split("-", 1)[0].lower()
    return code if code in SUPPORTED_LANGUAGES else None


def _from_message(
    message: Message, update_id: int, me: BotIdentity, channel: str
) -> InboundMessage | None:
    sender = message.from_user
    if message.chat.type == "channel" or sender is None:
        return None  # channel posts: Sova talks with people
    if sender.is_bot and sender.id != _ANONYMOUS_ADMIN_ID:
        return None  # other bots: two bots answering each other would never stop
    content = _content(message)
    if content is None:
        return None  # service messages (members joining, pins): not addressed to Sova
    kind, text, attachment = content
    group = message.chat.type in GROUP_TYPES
    if kind is MessageKind.COMMAND:
        command = _command(text, me)
        if command is None:
            return None  # addressed to another bot
        text = command
    elif group:
        mentioned, text = _strip_mention(text, me)
        if not mentioned and not _replies_to(message, me):
            return None
    return InboundMessage(
        chat_id=message.chat.id,
        user_id=sender.id,
        lang=language(sender),
        channel=channel,
        kind=kind,
        text=text,
        attachment=attachment,
        external_message_id=str(message.message_id),
        external_update_id=str(update_id),
        username=sender.username,
        display_name=sender.full_name,
        chat_type=message.chat.type,
    )


def _content(message: Message) -> tuple[MessageKind, str, Attachment | None] | None:
    caption = message.caption or ""
    if message.text is not None:
        kind = MessageKind.COMMAND if _COMMAND.match(message.text) else MessageKind.TEXT
        return kind, message.text, None
    if message.voice is not None:
        voice = message.voice
        attachment = Attachment(
            ref=voice.file_id,
            mime_type=voice.mime_type,
            size=voice.file_size,
            duration_s=float(voice.duration),
        )
        return MessageKind.VOICE, caption, attachment
    if message.audio is not None:
        audio = message.audio
        attachment = Attachment(
            ref=audio.file_id,
            mime_type=audio.mime_type,
            file_name=audio.file_name,
            size=audio.file_size,
            duration_s=float(audio.duration),
        )
        return MessageKind.AUDIO, caption, attachment
    if message.photo:
        # Telegram sends several sizes of one photo; the largest carries the most detail.
        best = max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        attachment = Attachment(ref=best.file_id, mime_type="image/jpeg", size=best.file_size)
        return MessageKind.PHOTO, caption, attachment
    if message.document is not None:
        document = message.document
        attachment = Attachment(
            ref=document.file_id,
            mime_type=document.mime_type,
            file_name=document.file_name,
            size=document.file_size,
        )
        return MessageKind.DOCUMENT, caption, attachment
    if any(getattr(message, field, None) is not None for field in _UNSUPPORTED_CONTENT):
        return MessageKind.OTHER, caption, None
    return None


def _command(text: str, me: BotIdentity) -> str | None:
    """``/cmd@this_bot args`` → ``/cmd args``; None when addressed to another bot."""
    match = _COMMAND.match(text)
    if match is None:
        return text
    addressee = match.group("bot")
    if addressee is not None and addressee.lower() != me.username.lower():
        return None
    return f"/{match.group('name')}{match.group('rest')}".strip()


def _strip_mention(text: str, me: BotIdentity) -> tuple[bool, str]:
    """Whether ``text`` mentions the bot, and the text without the mention."""
    pattern = re.compile(rf"(?<!\w)@{re.escape(me.username)}(?!\w)[,:]?", re.IGNORECASE)
    stripped, count = pattern.subn("", text)
    if not count:
        return False, text
    return True, re.sub(r"[ \t]{2,}", " ", stripped).strip()


def _replies_to(message: Message, me: BotIdentity) -> bool:
    original = message.reply_to_message
    return (
        original is not None and original.from_user is not None and original.from_user.id == me.id
    )


def _from_callback(query: CallbackQuery, update_id: int, channel: str) -> InboundMessage | None:
    if query.data is None:
        return None  # a game button: not Sova's
    user = query.from_user
    message = query.message
    # Buttons on inline-mode messages have no chat; the presser's private chat stands in.
    chat_id = message.chat.id if message is not None else user.id
    chat_type = message.chat.type if message is not None else "private"
    return InboundMessage(
        chat_id=chat_id,
        user_id=user.id,
        lang=language(user),
        channel=channel,
        kind=MessageKind.CALLBACK,
        callback_data=query.data,
        external_message_id=str(message.message_id) if message is not None else None,
        external_update_id=str(update_id),
        username=user.username,
        display_name=user.full_name,
        chat_type=chat_type,
    )
