"""Injected errors reach aiogram as its own exceptions; every call is recorded."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter, TelegramServerError

from bot.channels.emulator import ANNA_USER_ID, EmulatorServer


async def test_429_carries_retry_after(emulator: EmulatorServer, bot: Bot) -> None:
    emulator.fail_next("sendMessage", status=429, retry_after=1)

    with pytest.raises(TelegramRetryAfter) as raised:
        await bot.send_message(ANNA_USER_ID, "hello")

    assert raised.value.retry_after == 1
    assert "Too Many Requests" in raised.value.message
    assert emulator.bot_messages(ANNA_USER_ID) == []  # the failed call sent nothing
    await bot.send_message(ANNA_USER_ID, "hello")  # one failure only
    assert [m["text"] for m in emulator.bot_messages(ANNA_USER_ID)] == ["hello"]


@pytest.mark.parametrize("status", [500, 502])
async def test_server_errors_are_transient(
    emulator: EmulatorServer, bot: Bot, status: int
) -> None:
    emulator.fail_next("sendmessage", status=status, times=2)  # names are case-insensitive

    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(ANNA_USER_ID, "hello")
    sent = await bot.send_message(ANNA_USER_ID, "hello")

    assert sent.text == "hello"
    assert [c.status for c in emulator.calls_of("sendMessage")] == [status, status, 200]


async def test_failures_only_hit_the_named_method(emulator: EmulatorServer, bot: Bot) -> None:
    emulator.fail_next("sendPhoto", status=500)

    await bot.send_message(ANNA_USER_ID, "not affected")

    assert emulator.calls[-1].status == 200


async def test_calls_have_monotonic_timestamps_and_parameters(
    emulator: EmulatorServer, bot: Bot
) -> None:
    for number in range(3):
        await bot.send_message(ANNA_USER_ID, f"message {number}")

    sends = emulator.calls_of("sendMessage")

    assert [c.params["text"] for c in sends] == ["message 0", "message 1", "message 2"]
    assert [c.params["chat_id"] for c in sends] == [str(ANNA_USER_ID)] * 3  # multipart: text
    assert sends[0].at <= sends[1].at <= sends[2].at
