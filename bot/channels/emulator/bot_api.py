"""The HTTP face of the emulator: ``/bot<token>/<method>`` and ``/file/bot<token>/<path>``.

Each call is checked (token, injected faults), run, recorded in the call log and answered in
the Bot API's envelope: ``{"ok": true, "result": ...}`` or the error object.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.channels.emulator.bot_sending import BotSender
from bot.channels.emulator.errors import (
    NOT_FOUND,
    POLL_CONFLICT,
    UNAUTHORIZED,
    WEBHOOK_CONFLICT,
    ApiError,
    bad_request,
)
from bot.channels.emulator.params import ApiParams, read_params
from bot.channels.emulator.state import CallbackAnswer, EmulatorState
from bot.channels.emulator.webhook import WebhookDispatcher

log = logging.getLogger(__name__)

MethodHandler = Callable[[ApiParams], Awaitable[Any]]
MAX_UPDATES_LIMIT = 100
# Telegram caps the long-poll timeout; a longer one is silently shortened.
MAX_POLL_TIMEOUT_S = 50


class BotApi:
    def __init__(self, state: EmulatorState) -> None:
        self._state = state
        self._sender = BotSender(state)
        self.webhook = WebhookDispatcher(state, self.run_from_webhook_reply)
        self._poll_generation = 0
        self._closing = False
        sender = self._sender
        handlers: dict[str, MethodHandler] = {
            "getMe": self.get_me,
            "logOut": self.return_true,
            "close": self.return_true,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": sender.send_message,
            "sendPhoto": sender.send_photo,
            "sendVoice": sender.send_voice,
            "sendAudio": sender.send_audio,
            "sendDocument": sender.send_document,
            "sendChatAction": sender.send_chat_action,
            "editMessageText": sender.edit_message_text,
            "editMessageReplyMarkup": sender.edit_message_reply_markup,
            "answerCallbackQuery": self.answer_callback_query,
            "setMyCommands": self.set_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "getMyCommands": self.get_my_commands,
            "getFile": self.get_file,
        }
        # Bot API method names are case-insensitive.
        self._handlers = {name.lower(): handler for name, handler in handlers.items()}

    def close(self) -> None:
        """Make waiting getUpdates calls answer now (empty), so shutdown is quick."""
        self._closing = True
        self._state.updates.changed.notify()

    async def handle_method(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        method = request.match_info["method"]
        values: dict[str, Any] = {}
        try:
            if request.match_info["token"] != self._state.token:
                raise ApiError(401, UNAUTHORIZED)
            handler = self._handlers.get(method.lower())
            if handler is None:
                raise ApiError(404, NOT_FOUND)
            params = await read_params(request)
            values = {
                **params.values,
                **{k: f"<file {f.file_name}>" for k, f in params.files.items()},
            }
            injected = self._state.faults.take(method)
            if injected is not None:
                raise injected
            result = await handler(params)
        except ApiError as error:
            self._state.call_log.record(method, values, error.status, arrived)
            return web.json_response(error.body(), status=error.status)
        self._state.call_log.record(method, values, 200, arrived)
        return web.json_response({"ok": True, "result": result})

    async def handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self._state.token:
            return web.json_response(ApiError(401, UNAUTHORIZED).body(), status=401)
        stored = self._state.files.by_path(request.match_info["path"])
        if stored is None:
            return web.json_response(ApiError(404, NOT_FOUND).body(), status=404)
        return web.FileResponse(
            self._state.files.disk_path(stored),
            headers={"Content-Type": stored.mime_type or "application/octet-stream"},
        )

    async def run_from_webhook_reply(self, method: str, params: ApiParams) -> None:
        handler = self._handlers.get(method.lower())
        if handler is None:
            log.warning("webhook reply asked for unknown method %s", method)
            return
        try:
            await handler(params)
            self._state.call_log.record(method, dict(params.values), 200)
        except ApiError as error:
            self._state.call_log.record(method, dict(params.values), error.status)
            log.warning("webhook reply %s failed: %s", method, error.description)

    async def return_true(self, params: ApiParams) -> bool:
        return True

    async def get_me(self, params: ApiParams) -> dict[str, Any]:
        return {
            **self._state.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def get_updates(self, params: ApiParams) -> list[dict[str, Any]]:
        state = self._state
        if self.webhook.active:
            raise ApiError(409, WEBHOOK_CONFLICT)
        offset = params.integer("offset")
        limit = max(1, min(params.integer("limit", MAX_UPDATES_LIMIT) or 1, MAX_UPDATES_LIMIT))
        timeout = max(0, min(params.integer("timeout", 0) or 0, MAX_POLL_TIMEOUT_S))
        allowed = params.structured("allowed_updates")
        if isinstance(allowed, list):
            state.allowed_updates = [str(kind) for kind in allowed] or None
        if offset is not None:
            state.updates.confirm(offset)
        # A newer getUpdates ends an older one that is still waiting, as in Telegram.
        self._poll_generation += 1
        generation = self._poll_generation
        state.updates.changed.notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self.webhook.active:
                raise ApiError(409, WEBHOOK_CONFLICT)
            if generation != self._poll_generation:
                raise ApiError(409, POLL_CONFLICT)
            ready = state.updates.peek(limit, state.allowed_updates)
            remaining = deadline - loop.time()
            if ready or remaining <= 0 or self._closing:
                return ready
            await state.updates.changed.wait(remaining)

    async def set_webhook(self, params: ApiParams) -> bool:
        url = params.text("url") or ""
        if params.flag("drop_pending_updates"):
            self._state.updates.drop_all()
        allowed = params.structured("allowed_updates")
        if isinstance(allowed, list):
            self._state.allowed_updates = [str(kind) for kind in allowed] or None
        if not url:
            await self.webhook.delete()
            return True
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook.set(
            url, params.text("secret_token"), params.integer("max_connections", 40) or 40
        )
        return True

    async def delete_webhook(self, params: ApiParams) -> bool:
        if params.flag("drop_pending_updates"):
            self._state.updates.drop_all()
        await self.webhook.delete()
        return True

    async def get_webhook_info(self, params: ApiParams) -> dict[str, Any]:
        webhook = self._state.webhook
        info: dict[str, Any] = {
            "url": webhook.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._state.updates),
        }
        if webhook.url:
            info["max_connections"] = webhook.max_connections
            info["ip_address"] = "127.0.0.1"
            if self._state.allowed_updates:
                info["allowed_updates"] = self._state.allowed_updates
        if webhook.last_error_date is not None:
            info["last_error_date"] = webhook.last_error_date
            info["last_error_message"] = webhook.last_error_message
        return info

    async def answer_callback_query(self, params: ApiParams) -> bool:
        query_id = params.required_text("callback_query_id", "query id is empty")
        chat_id = self._state.callback_queries.pop(query_id, None)
        if chat_id is None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        answer = CallbackAnswer(query_id, params.text("text"), params.flag("show_alert"))
        self._state.callback_answers.append(answer)
        if answer.text:
            self._state.history.add_notice(chat_id, answer.text, alert=answer.show_alert)
        return True

    async def set_my_commands(self, params: ApiParams) -> bool:
        commands = params.structured("commands")
        if not isinstance(commands, list):
            raise bad_request("commands must be an Array")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            if not name or len(name) > 32 or not command.get("description"):
                raise bad_request("BOT_COMMAND_INVALID")
        self._state.commands[self._commands_key(params)] = commands
        return True

    async def delete_my_commands(self, params: ApiParams) -> bool:
        self._state.commands.pop(self._commands_key(params), None)
        return True

    async def get_my_commands(self, params: ApiParams) -> list[dict[str, Any]]:
        return self._state.commands.get(self._commands_key(params), [])

    async def get_file(self, params: ApiParams) -> dict[str, Any]:
        stored = self._state.files.get(params.required_text("file_id", "file_id is empty"))
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.to_api_file()

    @staticmethod
    def _commands_key(params: ApiParams) -> tuple[str, str]:
        scope = params.structured("scope")
        scope_type = scope.get("type", "default") if isinstance(scope, dict) else "default"
        return str(scope_type), params.text("language_code") or ""
