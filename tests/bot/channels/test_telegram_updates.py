"""Telegram updates → InboundMessage: kinds, attachments, languages, and who is heard in groups."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.types import Update

from bot.channels.telegram_updates import BotIdentity, to_inbound
from bot.events import Attachment, InboundMessage, MessageKind

ME = BotIdentity(id=7000000001, username="sova_bot")
ANNA = {
    "id": 1001,
    "is_bot": False,
    "first_name": "Anna",
    "last_name": "K",
    "username": "anna",
    "language_code": "ru",
}
GROUP = {"id": -1001000000001, "type": "supergroup", "title": "Group"}
PRIVATE = {"id": 1001, "type": "private", "first_name": "Anna"}
BOT_USER = {"id": ME.id, "is_bot": True, "first_name": "Sova", "username": ME.username}


def update(*, sender: dict[str, Any] = ANNA, **message: Any) -> Update:
    body = {"message_id": 7, "date": 1_700_000_000, "chat": PRIVATE, "from": sender}
    body.update(message)
    return Update.model_validate({"update_id": 42, "message": body})


def convert(upd: Update) -> InboundMessage | None:
    return to_inbound(upd, ME, channel="telegram")


def test_text_message() -> None:
    message = convert(update(text="напомни через 5 минут"))
    assert message is not None
    assert message.kind is MessageKind.TEXT
    assert message.text == "напомни через 5 минут"
    assert (message.chat_id, message.user_id) == (1001, 1001)
    assert message.channel == "telegram"
    assert message.external_update_id == "42"
    assert message.external_message_id == "7"
    assert message.username == "anna"
    assert message.display_name == "Anna K"
    assert message.chat_type == "private"
    assert message.lang == "ru"


@pytest.mark.parametrize(
    ("code", "lang"), [("ru", "ru"), ("en", "en"), ("en-US", "en"), ("de", None), (None, None)]
)
def test_language_from_language_code(code: str | None, lang: str | None) -> None:
    sender = {**ANNA, "language_code": code}
    message = convert(update(text="hi", sender=sender))
    assert message is not None
    assert message.lang == lang


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/start", "/start"),
        ("/help@sova_bot", "/help"),
        ("/remind@Sova_Bot in 5 minutes", "/remind in 5 minutes"),
        ("/stats week", "/stats week"),
    ],
)
def test_commands(text: str, expected: str) -> None:
    message = convert(update(text=text))
    assert message is not None
    assert message.kind is MessageKind.COMMAND
    assert message.text == expected


def test_command_for_another_bot_is_ignored() -> None:
    assert convert(update(text="/start@other_bot")) is None


def test_voice() -> None:
    voice = {
        "file_id": "VOICE1",
        "file_unique_id": "u",
        "duration": 4,
        "mime_type": "audio/ogg",
        "file_size": 5120,
    }
    message = convert(update(voice=voice))
    assert message is not None
    assert message.kind is MessageKind.VOICE
    assert message.text == ""
    assert message.attachment == Attachment(
        ref="VOICE1", mime_type="audio/ogg", size=5120, duration_s=4.0
    )


def test_audio() -> None:
    audio = {
        "file_id": "AUD",
        "file_unique_id": "u",
        "duration": 180,
        "mime_type": "audio/mpeg",
        "file_size": 3_000_000,
        "file_name": "song.mp3",
    }
    message = convert(update(audio=audio, caption="listen"))
    assert message is not None
    assert message.kind is MessageKind.AUDIO
    assert message.text == "listen"
    assert message.attachment == Attachment(
        ref="AUD", mime_type="audio/mpeg", file_name="song.mp3", size=3_000_000, duration_s=180.0
    )


def test_photo_takes_the_largest_size() -> None:
    sizes = [
        {"file_id": "S", "file_unique_id": "1", "width": 90, "height": 60, "file_size": 1000},
        {"file_id": "L", "file_unique_id": "3", "width": 1280, "height": 853, "file_size": 90000},
        {"file_id": "M", "file_unique_id": "2", "width": 320, "height": 213, "file_size": 9000},
    ]
    message = convert(update(photo=sizes, caption="what is this?"))
    assert message is not None
    assert message.kind is MessageKind.PHOTO
    assert message.text == "what is this?"
    assert message.attachment is not None
    assert message.attachment.ref == "L"
    assert message.attachment.size == 90000


def test_document() -> None:
    document = {
        "file_id": "DOC",
        "file_unique_id": "u",
        "file_name": "sales.csv",
        "mime_type": "text/csv",
        "file_size": 2048,
    }
    message = convert(update(document=document))
    assert message is not None
    assert message.kind is MessageKind.DOCUMENT
    assert message.attachment == Attachment(
        ref="DOC", mime_type="text/csv", file_name="sales.csv", size=2048
    )


def test_callback_query() -> None:
    bot_message = {
        "message_id": 55,
        "date": 1_700_000_000,
        "chat": PRIVATE,
        "from": BOT_USER,
        "text": "Confirm?",
    }
    upd = Update.model_validate(
        {
            "update_id": 43,
            "callback_query": {
                "id": "cb1",
                "from": ANNA,
                "chat_instance": "x",
                "message": bot_message,
                "data": "confirm:yes",
            },
        }
    )
    message = convert(upd)
    assert message is not None
    assert message.kind is MessageKind.CALLBACK
    assert message.callback_data == "confirm:yes"
    assert message.chat_id == 1001
    assert message.external_message_id == "55"
    assert message.external_update_id == "43"
    assert message.lang == "ru"


def test_a_sticker_becomes_other_so_sova_can_say_it_cannot_use_it() -> None:
    sticker = {
        "file_id": "S",
        "file_unique_id": "u",
        "type": "regular",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
    }
    message = convert(update(sticker=sticker))
    assert message is not None and message.kind is MessageKind.OTHER and message.text == ""
    # In a group, an unaddressed sticker is not for Sova.
    assert convert(update(sticker=sticker, chat=GROUP)) is None


def test_service_messages_and_bots_are_ignored() -> None:
    assert convert(update(new_chat_members=[ANNA], chat=GROUP)) is None
    other_bot = {"id": 5, "is_bot": True, "first_name": "Other"}
    assert convert(update(text="hello", sender=other_bot)) is None
    assert convert(Update.model_validate({"update_id": 1})) is None


class TestGroups:
    def test_plain_message_is_ignored(self) -> None:
        assert convert(update(chat=GROUP, text="what a day")) is None

    def test_command_passes(self) -> None:
        message = convert(update(chat=GROUP, text="/help@sova_bot"))
        assert message is not None
        assert message.text == "/help"
        assert message.chat_type == "supergroup"
        assert message.chat_id == GROUP["id"]

    def test_mention_passes_without_the_mention(self) -> None:
        message = convert(update(chat=GROUP, text="@sova_bot, remind me in 5 minutes"))
        assert message is not None
        assert message.text == "remind me in 5 minutes"
        message = convert(update(chat=GROUP, text="remind me in 5 minutes @Sova_Bot"))
        assert message is not None
        assert message.text == "remind me in 5 minutes"

    def test_mention_of_someone_else_is_ignored(self) -> None:
        assert convert(update(chat=GROUP, text="@sova_bot_fan hi")) is None
        assert convert(update(chat=GROUP, text="mail me at x@sova_bot.org")) is None

    def test_reply_to_the_bot_passes(self) -> None:
        original = {
            "message_id": 3,
            "date": 1_700_000_000,
            "chat": GROUP,
            "from": BOT_USER,
            "text": "When?",
        }
        message = convert(update(chat=GROUP, text="at 9", reply_to_message=original))
        assert message is not None
        assert message.text == "at 9"

    def test_reply_to_someone_else_is_ignored(self) -> None:
        original = {
            "message_id": 3,
            "date": 1_700_000_000,
            "chat": GROUP,
            "from": ANNA,
            "text": "When?",
        }
        assert convert(update(chat=GROUP, text="at 9", reply_to_message=original)) is None

    def test_voice_with_mention_in_caption_passes(self) -> None:
        voice = {"file_id": "V", "file_unique_id": "u", "duration": 2}
        message = convert(update(chat=GROUP, voice=voice, caption="@sova_bot"))
        assert message is not None
        assert message.kind is MessageKind.VOICE
        assert message.text == ""
        assert convert(update(chat=GROUP, voice=voice)) is None
