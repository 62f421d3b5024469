"""Building Bot API ``Message`` objects and the media objects inside them."""

from __future__ import annotations

import time
from typing import Any

from bot.channels.emulator.files import StoredFile
from bot.channels.emulator.formatting import Entity
from bot.channels.emulator.images import image_size


def new_message(
    message_id: int, sender: dict[str, Any], chat: dict[str, Any], **content: Any
) -> dict[str, Any]:
    """A Message with the given content fields; ``None`` and empty lists are left out."""
    message: dict[str, Any] = {
        "message_id": message_id,
        "from": sender,
        "chat": chat,
        "date": int(time.time()),
    }
    message.update({key: value for key, value in content.items() if value not in (None, [])})
    return message


def with_text(message: dict[str, Any], text: str, entities: list[Entity]) -> dict[str, Any]:
    updated = {k: v for k, v in message.items() if k not in ("text", "entities")}
    updated["text"] = text
    if entities:
        updated["entities"] = entities
    return updated


def photo_sizes(stored: StoredFile, data: bytes) -> list[dict[str, Any]]:
    width, height = image_size(data)
    return [
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": width,
            "height": height,
            "file_size": stored.size,
        }
    ]


def voice_object(stored: StoredFile, duration: int) -> dict[str, Any]:
    voice: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "duration": duration,
        "file_size": stored.size,
    }
    if stored.mime_type:
        voice["mime_type"] = stored.mime_type
    return voice


def audio_object(
    stored: StoredFile, duration: int, performer: str | None, title: str | None
) -> dict[str, Any]:
    audio = voice_object(stored, duration)
    for key, value in (
        ("performer", performer),
        ("title", title),
        ("file_name", stored.file_name),
    ):
        if value:
            audio[key] = value
    return audio


def document_object(stored: StoredFile) -> dict[str, Any]:
    document: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
    }
    if stored.file_name:
        document["file_name"] = stored.file_name
    if stored.mime_type:
        document["mime_type"] = stored.mime_type
    return document


def inline_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every inline button of a message, row by row."""
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def without_reply(message: dict[str, Any]) -> dict[str, Any]:
    """A message as quoted in ``reply_to_message`` (Telegram does not nest replies deeper)."""
    return {key: value for key, value in message.items() if key != "reply_to_message"}
