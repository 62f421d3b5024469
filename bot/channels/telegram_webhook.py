"""Webhook mode: an aiohttp server that Telegram POSTs updates to, guarded by a secret token.

aiogram's ``SimpleRequestHandler`` checks the ``X-Telegram-Bot-Api-Secret-Token`` header (a
wrong or missing one gets 401 before anything is parsed) and feeds the update to a
``Dispatcher`` whose only handlers pass it on to ``handle``. Updates are handled before the
HTTP answer (``handle_in_background=False``): if handing one on fails, Telegram gets a 500
and sends the update again, instead of it being lost after a 200.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.types import TelegramObject, Update
from aiogram.utils.backoff import Backoff
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.channels.telegram_polling import BACKOFF

log = logging.getLogger(__name__)

Handle = Callable[[Update], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class WebhookOptions:
    host: str = "0.0.0.0"  # where the server listens
    port: int = 8080  # 0: any free port (tests)
    path: str = "/telegram/webhook"
    # Base URL Telegram reaches this server at (``path`` is appended), e.g. behind a proxy
    # "https://bot.example.com". None: http://<host>:<port>, right for a local Bot API server.
    public_url: str | None = None
    # Telegram sends it back in a header with every update; None: a random one per start.
    secret_token: str | None = None


class WebhookServer:
    def __init__(
        self, bot: Bot, handle: Handle, options: WebhookOptions, *, allowed_updates: Sequence[str]
    ) -> None:
        self._bot = bot
        self._handle = handle
        self.options = options
        self.secret_token = options.secret_token or secrets.token_urlsafe(32)
        self._allowed = list(allowed_updates)
        self._runner: web.AppRunner | None = None
        self._register_task: asyncio.Task[None] | None = None
        self.port: int | None = None
        self.registered = asyncio.Event()  # set once setWebhook succeeded

    @property
    def url(self) -> str:
        base = self.options.public_url or f"http://{self.options.host}:{self.port}"
        return base.rstrip("/") + self.options.path

    async def start(self) -> None:
        dispatcher = Dispatcher(disable_fsm=True)
        dispatcher.message.register(self._on_event)
        dispatcher.callback_query.register(self._on_event)
        app = web.Application()
        handler = SimpleRequestHandler(
            dispatcher, self._bot, handle_in_background=False, secret_token=self.secret_token
        )
        handler.register(app, path=self.options.path)
        setup_application(app, dispatcher, bot=self._bot)
        self._runner = runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.options.host, self.options.port)
        await site.start()
        self.port = _bound_port(runner, self.options.port)
        log.info("webhook server listening on %s:%s%s", *self._where())
        # Registering can wait for Telegram to be reachable; the server is up meanwhile.
        self._register_task = asyncio.create_task(self._register(), name="telegram-set-webhook")

    async def stop(self) -> None:
        if self._register_task is not None:
            self._register_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._register_task
            self._register_task = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _on_event(self, obj: TelegramObject, event_update: Update) -> None:
        await self._handle(event_update)

    async def _register(self) -> None:
        backoff = Backoff(BACKOFF)
        while True:
            try:
                await self._bot.set_webhook(
                    url=self.url, secret_token=self.secret_token, allowed_updates=self._allowed
                )
            except Exception as exc:
                delay = next(backoff)
                log.warning("setWebhook failed (%s); retrying in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                continue
            log.info("webhook set to %s", self.url)
            self.registered.set()
            return

    def _where(self) -> tuple[str, int | None, str]:
        return self.options.host, self.port, self.options.path


def _bound_port(runner: web.AppRunner, requested: int) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    return requested
