"""Webhook mode: POST each new update to the bot's URL, in order, retrying until it is taken.

Delivery is one update at a time, oldest first, so the order within every chat is kept (and
across chats too, which is stricter than Telegram). A non-2xx answer or a connection failure is
retried with a short, growing delay and reported in getWebhookInfo's ``last_error_*``.
The webhook's answer may itself be a Bot API call (``{"method": ...}`` as JSON or a form, which
aiogram sends when a handler returns a method); it is executed like a normal request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from bot.channels.emulator.params import ApiParams, read_multipart
from bot.channels.emulator.state import EmulatorState
from bot.channels.emulator.updates import update_type

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
FIRST_RETRY_DELAY_S = 0.05
MAX_RETRY_DELAY_S = 2.0
REQUEST_TIMEOUT_S = 10.0

MethodRunner = Callable[[str, ApiParams], Awaitable[None]]


class WebhookDispatcher:
    def __init__(self, state: EmulatorState, run_method: MethodRunner) -> None:
        self._state = state
        self._run_method = run_method
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def active(self) -> bool:
        return bool(self._state.webhook.url)

    def set(self, url: str, secret_token: str | None, max_connections: int) -> None:
        webhook = self._state.webhook
        webhook.url = url
        webhook.secret_token = secret_token
        webhook.max_connections = max_connections
        webhook.last_error_date = None
        webhook.last_error_message = None
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._deliver_forever(), name="emulator-webhook")
        # Wake a getUpdates that is waiting: it must now answer 409.
        self._state.updates.changed.notify()

    async def delete(self) -> None:
        self._state.webhook.url = ""
        self._state.webhook.secret_token = None
        await self._stop_task()

    async def close(self) -> None:
        await self._stop_task()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _stop_task(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver_forever(self) -> None:
        updates = self._state.updates
        while self.active:
            pending = updates.peek(1, self._state.allowed_updates)
            if not pending:
                await updates.changed.wait(1.0)
                continue
            update = pending[0]
            delay = FIRST_RETRY_DELAY_S
            while self.active:
                if await self._post(update):
                    updates.confirm(update["update_id"] + 1)
                    break
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_RETRY_DELAY_S)

    async def _post(self, update: dict[str, Any]) -> bool:
        webhook = self._state.webhook
        headers = {"Content-Type": "application/json"}
        if webhook.secret_token:
            headers[SECRET_HEADER] = webhook.secret_token
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
            )
        try:
            async with self._session.post(
                webhook.url, data=json.dumps(update), headers=headers
            ) as response:
                if not 200 <= response.status < 300:
                    self._record_error(f"Wrong response from the webhook: {response.status}")
                    return False
                await self._run_reply(response)
        except (aiohttp.ClientError, TimeoutError) as error:
            self._record_error(f"Connection failed: {type(error).__name__}: {error}")
            return False
        log.debug("webhook took update %s (%s)", update["update_id"], update_type(update))
        return True

    async def _run_reply(self, response: aiohttp.ClientResponse) -> None:
        params = ApiParams()
        if response.content_type == "application/json":
            body = await response.json(content_type=None)
            if isinstance(body, dict):
                params.values.update(body)
        elif response.content_type == "multipart/form-data":
            await read_multipart(
                aiohttp.MultipartReader(response.headers, response.content), params
            )
        method = params.text("method")
        if method:
            await self._run_method(method, params)

    def _record_error(self, message: str) -> None:
        self._state.webhook.last_error_date = int(time.time())
        self._state.webhook.last_error_message = message
        log.info("webhook delivery failed: %s", message)
