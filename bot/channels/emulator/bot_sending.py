"""The Bot API methods by which the bot talks into chats: send*, edits and chat actions."""

from __future__ import annotations

import time
from typing import Any

from bot.channels.emulator.errors import bad_request
from bot.channels.emulator.files import StoredFile, guess_mime_type
from bot.channels.emulator.formatting import parse_formatted, utf16_length
from bot.channels.emulator.history import StoredMessage
from bot.channels.emulator.messages import (
    audio_object,
    document_object,
    new_message,
    photo_sizes,
    voice_object,
    with_text,
    without_reply,
)
from bot.channels.emulator.params import ApiParams
from bot.channels.emulator.state import EmulatorState

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# The MIME type Telegram reports for a sent voice note whose upload did not say.
_DEFAULT_MEDIA_MIME = {"voice": "audio/ogg", "audio": "audio/mpeg", "photo": "image/jpeg"}


class BotSender:
    def __init__(self, state: EmulatorState) -> None:
        self._state = state

    async def send_message(self, params: ApiParams) -> dict[str, Any]:
        chat = self._chat(params)
        text, entities = parse_formatted(
            params.required_text("text", "message text is empty"), params.text("parse_mode")
        )
        if not text.strip():
            raise bad_request("message text is empty")
        if utf16_length(text) > MAX_TEXT_LENGTH:
            raise bad_request("message is too long")
        return self._store(chat, params, text=text, entities=entities)

    async def send_photo(self, params: ApiParams) -> dict[str, Any]:
        chat = self._chat(params)
        stored = self._media_file(params, "photo")
        sizes = photo_sizes(stored, self._state.files.read(stored))
        return self._store(chat, params, photo=sizes, **self._caption(params))

    async def send_voice(self, params: ApiParams) -> dict[str, Any]:
        chat = self._chat(params)
        stored = self._media_file(params, "voice")
        voice = voice_object(stored, params.integer("duration", 0) or 0)
        return self._store(chat, params, voice=voice, **self._caption(params))

    async def send_audio(self, params: ApiParams) -> dict[str, Any]:
        chat = self._chat(params)
        stored = self._media_file(params, "audio")
        audio = audio_object(
            stored,
            params.integer("duration", 0) or 0,
            params.text("performer"),
            params.text("title"),
        )
        return self._store(chat, params, audio=audio, **self._caption(params))

    async def send_document(self, params: ApiParams) -> dict[str, Any]:
        chat = self._chat(params)
        stored = self._media_file(params, "document")
        document = document_object(stored)
        return self._store(chat, params, document=document, **self._caption(params))

    async def send_chat_action(self, params: ApiParams) -> bool:
        chat = self._chat(params)
        action = params.required_text("action", "wrong parameter action in request")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self._state.history.set_action(chat["id"], action)
        return True

    async def edit_message_text(self, params: ApiParams) -> dict[str, Any]:
        stored = self._message_to_edit(params)
        text, entities = parse_formatted(
            params.required_text("text", "message text is empty"), params.text("parse_mode")
        )
        if utf16_length(text) > MAX_TEXT_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        if "text" not in stored.payload:
            raise bad_request("there is no text in the message to edit")
        edited = with_text(stored.payload, text, entities)
        return self._apply_edit(stored, edited, params)

    async def edit_message_reply_markup(self, params: ApiParams) -> dict[str, Any]:
        stored = self._message_to_edit(params)
        return self._apply_edit(stored, dict(stored.payload), params)

    def _apply_edit(
        self, stored: StoredMessage, edited: dict[str, Any], params: ApiParams
    ) -> dict[str, Any]:
        edited.pop("reply_markup", None)
        edited.pop("edit_date", None)
        markup = _inline_markup(params)
        if markup is not None:
            edited["reply_markup"] = markup
        unchanged = {k: v for k, v in stored.payload.items() if k != "edit_date"}
        if edited == unchanged:
            raise bad_request(
                "message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message"
            )
        edited["edit_date"] = _now()
        return self._state.history.replace(stored, edited).payload

    def _message_to_edit(self, params: ApiParams) -> StoredMessage:
        if params.has("inline_message_id"):
            raise bad_request("inline messages are not supported by the emulator")
        chat = self._chat(params)
        message_id = params.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        stored = self._state.history.get(chat["id"], message_id)
        if stored is None:
            raise bad_request("message to edit not found")
        if not stored.from_bot:
            raise bad_request("message can't be edited")
        return stored

    def _chat(self, params: ApiParams) -> dict[str, Any]:
        chat_id = params.chat_id()
        if not self._state.roster.has_chat(chat_id):
            raise bad_request("chat not found")
        return self._state.roster.chat(chat_id)

    def _caption(self, params: ApiParams) -> dict[str, Any]:
        caption = params.text("caption")
        if not caption:
            return {}
        text, entities = parse_formatted(caption, params.text("parse_mode"))
        if utf16_length(text) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        return {"caption": text, "caption_entities": entities}

    def _media_file(self, params: ApiParams, kind: str) -> StoredFile:
        """The file for a send* call: a fresh upload, or the file_id of one already stored."""
        upload = params.upload(kind)
        if upload is not None:
            mime = upload.content_type
            if not mime or mime == "application/octet-stream":
                mime = guess_mime_type(upload.file_name, _DEFAULT_MEDIA_MIME.get(kind))
            file_name = None if kind in ("photo", "voice") else upload.file_name
            return self._state.files.add(
                upload.data, kind=kind, mime_type=mime, file_name=file_name
            )
        reference = params.text(kind)
        if not reference:
            raise bad_request(f"there is no {kind} in the request")
        if reference.startswith(("http://", "https://")):
            # The emulator has no internet, and Sova uploads its files anyway.
            raise bad_request("failed to get HTTP URL content")
        stored = self._state.files.get(reference)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return stored

    def _store(self, chat: dict[str, Any], params: ApiParams, **content: Any) -> dict[str, Any]:
        history = self._state.history
        message = new_message(
            history.next_message_id(chat["id"]),
            self._state.bot_user,
            chat,
            reply_to_message=self._replied_message(chat["id"], params),
            reply_markup=_inline_markup(params),
            **content,
        )
        return history.add(message, from_bot=True).payload

    def _replied_message(self, chat_id: int, params: ApiParams) -> dict[str, Any] | None:
        reply = params.structured("reply_parameters") or {}
        if not isinstance(reply, dict):
            raise bad_request("can't parse reply parameters JSON object")
        message_id = reply.get("message_id") or params.integer("reply_to_message_id")
        if not message_id:
            return None
        stored = self._state.history.get(int(reply.get("chat_id") or chat_id), int(message_id))
        if stored is not None:
            return without_reply(stored.payload)
        if reply.get("allow_sending_without_reply") or params.flag("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")


def _inline_markup(params: ApiParams) -> dict[str, Any] | None:
    """The inline keyboard to attach; other keyboards are accepted but not part of a message."""
    markup = params.structured("reply_markup")
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    for button in (button for row in rows for button in row):
        _check_button(button)
    return {"inline_keyboard": rows}


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not button.get("text"):
        raise bad_request("text buttons are unallowed in the inline keyboard")
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
        raise bad_request("BUTTON_DATA_INVALID")
    actions = set(button) - {"text", "style", "icon_custom_emoji_id"}
    if not actions:
        raise bad_request("text buttons are unallowed in the inline keyboard")


def _now() -> int:
    return int(time.time())
