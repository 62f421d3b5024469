"""Webhook mode: updates POSTed to a small aiohttp app, with the secret, in order, retried."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.exceptions import TelegramConflictError
from aiogram.methods import SendMessage
from aiogram.types import Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.channels.emulator import ANNA_USER_ID, BORIS_USER_ID, EmulatorServer


@dataclass
class WebhookReceiver:
    """A stand-in for the bot's webhook endpoint that records what it is sent."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    secrets: list[str | None] = field(default_factory=list)
    fail_first: int = 0  # answer this many requests with 500 first
    reply: dict[str, Any] | None = None  # a Bot API call to return in the response
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    attempts: int = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.attempts += 1
        if self.fail_first > 0:
            self.fail_first -= 1
            return web.Response(status=500)
        self.secrets.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        self.received.append(await request.json())
        self.arrived.set()
        return web.json_response(self.reply or {})

    async def wait_for(self, count: int) -> None:
        async with asyncio.timeout(5):
            while len(self.received) < count:
                self.arrived.clear()
                await self.arrived.wait()


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    target = WebhookReceiver()
    app = web.Application()
    app.router.add_post("/hook", target.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    target.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        yield target
    finally:
        await runner.cleanup()


async def test_updates_are_posted_with_the_secret_header(
    emulator: EmulatorServer, bot: Bot, receiver: WebhookReceiver
) -> None:
    assert await bot.set_webhook(receiver.url, secret_token="s3cret")

    emulator.user_sends_text(ANNA_USER_ID, "first")
    emulator.user_sends_text(BORIS_USER_ID, "second")
    await receiver.wait_for(2)

    assert [u["message"]["text"] for u in receiver.received] == ["first", "second"]
    assert receiver.secrets == ["s3cret", "s3cret"]
    info = await bot.get_webhook_info()
    assert info.url == receiver.url
    assert info.pending_update_count == 0


async def test_get_updates_conflicts_while_a_webhook_is_set(
    emulator: EmulatorServer, bot: Bot, receiver: WebhookReceiver
) -> None:
    await bot.set_webhook(receiver.url)

    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates(timeout=0)

    assert await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == []
    assert (await bot.get_webhook_info()).url == ""


async def test_failed_deliveries_are_retried_in_order(
    emulator: EmulatorServer, bot: Bot, receiver: WebhookReceiver
) -> None:
    receiver.fail_first = 2
    await bot.set_webhook(receiver.url)

    for text in ("one", "two", "three"):
        emulator.user_sends_text(ANNA_USER_ID, text)
    await receiver.wait_for(3)

    assert [u["message"]["text"] for u in receiver.received] == ["one", "two", "three"]
    assert receiver.attempts == 5
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 500"


async def test_drop_pending_updates_forgets_the_queue(
    emulator: EmulatorServer, bot: Bot, receiver: WebhookReceiver
) -> None:
    emulator.user_sends_text(ANNA_USER_ID, "old news")

    await bot.set_webhook(receiver.url, drop_pending_updates=True)
    emulator.user_sends_text(ANNA_USER_ID, "fresh")
    await receiver.wait_for(1)

    assert [u["message"]["text"] for u in receiver.received] == ["fresh"]


async def test_a_method_in_the_webhook_answer_is_executed(
    emulator: EmulatorServer, bot: Bot, receiver: WebhookReceiver
) -> None:
    receiver.reply = {"method": "sendMessage", "chat_id": ANNA_USER_ID, "text": "pong"}
    await bot.set_webhook(receiver.url)

    emulator.user_sends_text(ANNA_USER_ID, "ping")

    reply = await emulator.wait_for_bot_message(ANNA_USER_ID, timeout=3)
    assert reply["text"] == "pong"
    assert json.loads(json.dumps(reply))["chat"]["id"] == ANNA_USER_ID


async def test_aiogram_webhook_handler_answering_in_the_response(
    emulator: EmulatorServer, bot: Bot
) -> None:
    router = Router()

    @router.message()
    async def pong(message: Message) -> SendMessage:
        # Returned, not awaited: aiogram puts the call in the webhook's HTTP response.
        return message.answer(f"pong: <i>{message.text}</i>", parse_mode="HTML")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    app = web.Application()
    SimpleRequestHandler(
        dispatcher, bot, handle_in_background=False, secret_token="hook-secret"
    ).register(app, path="/aiogram-hook")
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/aiogram-hook"
        await bot.set_webhook(url, secret_token="hook-secret")
        emulator.user_sends_text(BORIS_USER_ID, "ping")

        reply = await emulator.wait_for_bot_message(BORIS_USER_ID, timeout=5)
    finally:
        await bot.delete_webhook()
        await runner.cleanup()

    assert reply["text"] == "pong: ping"
    assert reply["entities"] == [{"type": "italic", "offset": 6, "length": 4}]
