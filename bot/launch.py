"""How each ``sova`` mode puts the app and its channels together, and runs until stopped.

- ``run``: Telegram (``SOVA_TELEGRAM__TOKEN``), by long polling or webhook, against
  ``[telegram] api_url`` (Telegram, a self-hosted Bot API server, or the emulator).
- ``demo``: the local Bot API emulator with its web chat page, and the same Telegram channel
  pointed at it — no token, no internet.
- ``chat``: the terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from bot.app import Sova
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_webhook import WebhookOptions
from bot.channels.terminal import TerminalChannel
from bot.config import ConfigError, Settings
from bot.observability import OpsServer
from bot.plugin_registry import command_menu, discover_plugin_classes


def telegram_channel(settings: Settings, *, token: str, api_url: str) -> TelegramChannel:
    telegram = settings.telegram
    webhook = None
    if telegram.mode == "webhook":
        webhook = WebhookOptions(
            host=telegram.webhook_host,
            port=telegram.webhook_port,
            path=telegram.webhook_path,
            public_url=telegram.webhook_public_url,
            secret_token=telegram.webhook_secret,
        )
    classes = discover_plugin_classes(settings.plugins).values()
    return TelegramChannel(
        token,
        api_url=api_url,
        mode=telegram.mode,
        webhook=webhook,
        commands=command_menu(classes, settings.app.default_language),
        flood_limit=telegram.flood_limit,
        flood_window_s=telegram.flood_window_s,
        default_lang=settings.app.default_language,
        local_files=telegram.local_files,
    )


async def run_telegram(settings: Settings) -> None:
    token = settings.telegram.token
    if not token:
        raise ConfigError(
            "config error: telegram.token: not set; export SOVA_TELEGRAM__TOKEN=<token from "
            "@BotFather>, or try `sova demo` (no token needed) or `sova chat`"
        )
    channel = telegram_channel(settings, token=token, api_url=settings.telegram.api_url)
    async with _running(Sova(settings, [channel]), channel):
        _say(f"Sova is running on Telegram ({settings.telegram.mode}). Ctrl-C stops it.")
        await _until_stopped()


async def run_demo(settings: Settings) -> None:
    from bot.channels.emulator import ADMIN_USER_ID, EmulatorServer

    # The emulator's "Admin" user is an administrator in the demo, to try admin commands.
    admins = (*settings.admin.users, ADMIN_USER_ID)
    settings = settings.model_copy(
        update={
            "admin": settings.admin.model_copy(update={"users": admins}),
            "telegram": settings.telegram.model_copy(update={"mode": "polling"}),
        }
    )
    demo = settings.demo
    emulator = EmulatorServer(
        host=demo.host, port=demo.port, data_dir=Path(settings.app.data_dir) / "emulator"
    )
    async with emulator:
        channel = telegram_channel(settings, token=emulator.token, api_url=emulator.url)
        async with _running(Sova(settings, [channel]), channel):
            _say(
                f"Sova demo is running. Open {emulator.url}/ in a browser to chat "
                "(pick a user at the top; 'Admin' may use admin commands). Ctrl-C stops it."
            )
            await _until_stopped()


@contextlib.asynccontextmanager
async def _running(app: Sova, telegram: TelegramChannel) -> AsyncIterator[Sova]:
    """Starts the ops endpoints before Sova, so /healthz answers and /readyz says 503 while
    the NLU loads, and stops them after Sova has drained."""
    app.metrics.track_telegram(lambda: telegram.stats)
    ops = app.settings.ops
    async with contextlib.AsyncExitStack() as stack:
        if ops.enabled:
            server = OpsServer(ops.host, ops.port, metrics=app.metrics, ready=app.readiness)
            await stack.enter_async_context(server)
        yield await stack.enter_async_context(app)


async def run_chat(settings: Settings, *, user_id: int, wait_s: float) -> None:
    terminal = TerminalChannel(user_id=user_id)
    async with Sova(settings, [terminal]):
        await terminal.run()
        if wait_s > 0:
            await asyncio.sleep(wait_s)


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    _say("Stopping: finishing the messages in flight...")


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
