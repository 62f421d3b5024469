"""What the simulated people do: send text, voice, photos, documents and press buttons.

Each action records the message in the chat history (the web page shows it) and queues the
Update Telegram would deliver to the bot.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from bot.channels.emulator.files import guess_mime_type
from bot.channels.emulator.formatting import command_entities
from bot.channels.emulator.messages import (
    document_object,
    inline_buttons,
    new_message,
    photo_sizes,
    voice_object,
)
from bot.channels.emulator.state import EmulatorState

Update = dict[str, Any]


class UserSimulator:
    def __init__(self, state: EmulatorState) -> None:
        self._state = state

    def sends_text(self, user_id: int, text: str, chat_id: int | None = None) -> Update:
        if not text:
            raise ValueError("a Telegram message cannot be empty")
        return self._send(user_id, chat_id, text=text, entities=command_entities(text))

    def sends_voice(
        self,
        user_id: int,
        ogg_bytes: bytes,
        duration: int,
        chat_id: int | None = None,
        *,
        mime_type: str = "audio/ogg",
    ) -> Update:
        stored = self._state.files.add(
            ogg_bytes, kind="voice", mime_type=mime_type, file_name=None
        )
        return self._send(user_id, chat_id, voice=voice_object(stored, duration))

    def sends_photo(
        self, user_id: int, image: bytes, chat_id: int | None = None, *, caption: str = ""
    ) -> Update:
        stored = self._state.files.add(image, kind="photo", mime_type="image/jpeg", file_name=None)
        return self._send(
            user_id,
            chat_id,
            photo=photo_sizes(stored, image),
            caption=caption or None,
            caption_entities=command_entities(caption),
        )

    def sends_document(
        self,
        user_id: int,
        data: bytes,
        file_name: str,
        mime_type: str | None = None,
        chat_id: int | None = None,
        *,
        caption: str = "",
    ) -> Update:
        stored = self._state.files.add(
            data,
            kind="document",
            mime_type=mime_type or guess_mime_type(file_name, "application/octet-stream"),
            file_name=file_name,
        )
        return self._send(
            user_id, chat_id, document=document_object(stored), caption=caption or None
        )

    def presses_button(
        self, user_id: int, message_id: int, data: str, chat_id: int | None = None
    ) -> Update:
        """Press the inline button carrying ``data`` under the bot's message ``message_id``."""
        state = self._state
        chat = state.roster.chat_for(user_id, chat_id)
        stored = state.history.get(chat["id"], message_id)
        if stored is None or not stored.from_bot:
            raise KeyError(f"no bot message {message_id} in chat {chat['id']}")
        if not any(b.get("callback_data") == data for b in inline_buttons(stored.payload)):
            raise KeyError(f"message {message_id} has no button with callback data {data!r}")
        query_id = str(secrets.randbits(63))
        state.callback_queries[query_id] = chat["id"]
        return state.updates.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": state.roster.user(user_id).to_api(),
                    "message": stored.payload,
                    "chat_instance": _chat_instance(chat["id"]),
                    "data": data,
                }
            }
        )

    def _send(self, user_id: int, chat_id: int | None, **content: Any) -> Update:
        state = self._state
        chat = state.roster.chat_for(user_id, chat_id)
        message = new_message(
            state.history.next_message_id(chat["id"]),
            state.roster.user(user_id).to_api(),
            chat,
            **content,
        )
        state.history.add(message, from_bot=False)
        return state.updates.push({"message": message})


def _chat_instance(chat_id: int) -> str:
    """Telegram's opaque, stable per-chat identifier for callback queries."""
    return str(int(hashlib.sha256(str(chat_id).encode()).hexdigest()[:15], 16))
