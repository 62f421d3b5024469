"""The JSON endpoints behind the web chat page (``/chat/api/...``) and the page itself.

The page long-polls ``updates`` with the last revision it has seen and gets every message of
the chat that is new or edited since, the current chat action ("typing…") and callback-answer
notices. It acts as the chosen simulated user through ``send``, ``upload`` and ``press``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from bot.channels.emulator.history import StoredMessage
from bot.channels.emulator.people import GROUP_CHAT_ID, GROUP_TITLE
from bot.channels.emulator.state import EmulatorState
from bot.channels.emulator.users import UserSimulator

WEB_DIR = Path(__file__).parent / "web"
MAX_FEED_WAIT_S = 25.0
DEFAULT_VOICE_MIME = "audio/ogg"


class WebChat:
    def __init__(self, state: EmulatorState, users: UserSimulator) -> None:
        self._state = state
        self._users = users
        self._closing = False

    def routes(self) -> list[web.AbstractRouteDef]:
        return [
            web.get("/", self.index),
            web.get("/chat/api/roster", self.roster),
            web.get("/chat/api/updates", self.updates),
            web.post("/chat/api/send", self.send),
            web.post("/chat/api/upload", self.upload),
            web.post("/chat/api/press", self.press),
            web.get("/chat/api/file/{file_id}", self.file),
            web.static("/chat/static", WEB_DIR),
        ]

    def close(self) -> None:
        """Answer waiting feed requests now, so the server stops without delay."""
        self._closing = True
        self._state.history.changed.notify()

    async def index(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(WEB_DIR / "index.html")

    async def roster(self, request: web.Request) -> web.Response:
        state = self._state
        return web.json_response(
            {
                "bot": state.bot_user,
                "users": [user.to_api() for user in state.roster.users],
                "group": {"id": GROUP_CHAT_ID, "title": GROUP_TITLE},
            }
        )

    async def updates(self, request: web.Request) -> web.Response:
        chat_id = _int_query(request, "chat_id")
        after = _int_query(request, "after", 0)
        try:
            wait_s = min(float(request.query.get("timeout", MAX_FEED_WAIT_S)), MAX_FEED_WAIT_S)
        except ValueError:
            raise web.HTTPBadRequest(text="timeout must be a number") from None
        history = self._state.history
        deadline = time.monotonic() + wait_s
        while True:
            feed = self._feed(chat_id, after)
            remaining = deadline - time.monotonic()
            if feed["messages"] or feed["notices"] or feed["action_changed"] or remaining <= 0:
                return web.json_response(feed)
            if self._closing:
                return web.json_response(feed)
            await history.changed.wait(remaining)

    def _feed(self, chat_id: int, after: int) -> dict[str, Any]:
        history = self._state.history
        action = history.action(chat_id)
        return {
            "revision": history.revision,
            "messages": [_view(stored) for stored in history.changed_since(chat_id, after)],
            "notices": [
                {"text": n.text, "alert": n.alert} for n in history.notices_since(chat_id, after)
            ],
            "action": action.action if action else None,
            "action_seconds": max(0.0, action.until - time.monotonic()) if action else 0.0,
            "action_changed": action is not None and action.revision > after,
        }

    async def send(self, request: web.Request) -> web.Response:
        body = await request.json()
        text = str(body.get("text", "")).strip()
        if not text:
            raise web.HTTPBadRequest(text="empty message")
        try:
            update = self._users.sends_text(
                int(body["user_id"]), text, chat_id=_optional_int(body.get("chat_id"))
            )
        except KeyError as error:  # an unknown user or chat
            raise web.HTTPNotFound(text=str(error)) from None
        return web.json_response({"ok": True, "update": update})

    async def upload(self, request: web.Request) -> web.Response:
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            raise web.HTTPBadRequest(text="no file")
        data = upload.file.read()
        user_id = int(str(form["user_id"]))
        chat_id = _optional_int(form.get("chat_id"))
        caption = str(form.get("caption", ""))
        content_type = upload.content_type or "application/octet-stream"
        try:
            self._state.roster.chat_for(user_id, chat_id)
        except KeyError as error:  # an unknown user or chat
            raise web.HTTPNotFound(text=str(error)) from None
        if form.get("kind") == "voice":
            # Store what the browser recorded and say so: ogg/opus or webm/opus.
            mime = content_type.split(";")[0] or DEFAULT_VOICE_MIME
            duration = round(float(str(form.get("duration", "0")) or 0))
            update = self._users.sends_voice(user_id, data, duration, chat_id, mime_type=mime)
        elif content_type.startswith("image/") and content_type != "image/svg+xml":
            update = self._users.sends_photo(user_id, data, chat_id, caption=caption)
        else:
            update = self._users.sends_document(
                user_id, data, upload.filename, content_type, chat_id, caption=caption
            )
        return web.json_response({"ok": True, "update": update})

    async def press(self, request: web.Request) -> web.Response:
        body = await request.json()
        try:
            update = self._users.presses_button(
                int(body["user_id"]),
                int(body["message_id"]),
                str(body["data"]),
                chat_id=_optional_int(body.get("chat_id")),
            )
        except KeyError as error:
            raise web.HTTPNotFound(text=str(error)) from None
        return web.json_response({"ok": True, "update": update})

    async def file(self, request: web.Request) -> web.FileResponse:
        stored = self._state.files.get(request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound()
        headers = {"Content-Type": stored.mime_type or "application/octet-stream"}
        if stored.file_name:
            disposition = f"inline; filename*=UTF-8''{quote(stored.file_name)}"
            headers["Content-Disposition"] = disposition
        return web.FileResponse(self._state.files.disk_path(stored), headers=headers)


def _view(stored: StoredMessage) -> dict[str, Any]:
    return {"message": stored.payload, "from_bot": stored.from_bot, "revision": stored.revision}


def _int_query(request: web.Request, name: str, default: int | None = None) -> int:
    raw = request.query.get(name)
    if raw is None:
        if default is None:
            raise web.HTTPBadRequest(text=f"{name} is required")
        return default
    try:
        return int(raw)
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name} must be a number") from None


def _optional_int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    return int(str(value))
