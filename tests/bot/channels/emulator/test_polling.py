"""Receiving updates with the real aiogram client: getMe, getUpdates, long polls, offsets."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramConflictError, TelegramUnauthorizedError
from aiogram.types import Message

from bot.channels.emulator import ANNA_USER_ID, BORIS_USER_ID, GROUP_CHAT_ID, EmulatorServer
from tests.bot.channels.emulator.conftest import make_bot
from tests.bot.channels.emulator.echo_bot import running_echo_bot


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    me = await bot.get_me()

    assert me.is_bot
    assert me.username == "sova_bot"
    assert me.id == bot.id  # aiogram reads the id from the token; getMe must agree


async def test_wrong_token_is_unauthorized(emulator: EmulatorServer) -> None:
    intruder = make_bot(emulator, token="42:not-the-token")
    try:
        with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
            await intruder.get_me()
    finally:
        await intruder.session.close()


async def test_user_text_arrives_as_a_proper_message(emulator: EmulatorServer, bot: Bot) -> None:
    emulator.user_sends_text(ANNA_USER_ID, "Привет, Сова")

    updates = await bot.get_updates(timeout=0)

    assert len(updates) == 1
    message = updates[0].message
    assert isinstance(message, Message)
    assert message.text == "Привет, Сова"
    assert message.from_user is not None
    assert message.from_user.id == ANNA_USER_ID
    assert message.from_user.first_name == "Anna"
    assert message.chat.id == ANNA_USER_ID
    assert message.chat.type == "private"
    assert message.entities is None


async def test_command_gets_a_bot_command_entity(emulator: EmulatorServer, bot: Bot) -> None:
    emulator.user_sends_text(BORIS_USER_ID, "/start@sova_bot hello", chat_id=GROUP_CHAT_ID)

    [update] = await bot.get_updates(timeout=0)

    assert update.message is not None
    assert update.message.chat.id == GROUP_CHAT_ID
    assert update.message.chat.type == "supergroup"
    assert update.message.from_user is not None
    assert update.message.from_user.id == BORIS_USER_ID
    assert update.message.entities is not None
    [command] = update.message.entities
    assert (command.type, command.offset, command.length) == ("bot_command", 0, 15)


async def test_long_poll_returns_empty_after_its_timeout(bot: Bot) -> None:
    started = time.monotonic()

    updates = await bot.get_updates(timeout=1)

    assert updates == []
    assert 0.9 <= time.monotonic() - started < 3


async def test_long_poll_returns_as_soon_as_a_message_arrives(
    emulator: EmulatorServer, bot: Bot
) -> None:
    async def send_later() -> None:
        await asyncio.sleep(0.3)
        emulator.user_sends_text(ANNA_USER_ID, "ping")

    started = time.monotonic()
    sender = asyncio.create_task(send_later())
    updates = await bot.get_updates(timeout=10)
    await sender

    assert [u.message.text for u in updates if u.message] == ["ping"]
    assert time.monotonic() - started < 2


async def test_offset_confirms_updates(emulator: EmulatorServer, bot: Bot) -> None:
    for text in ("one", "two", "three"):
        emulator.user_sends_text(ANNA_USER_ID, text)

    first = await bot.get_updates(limit=2, timeout=0)
    assert [u.message.text for u in first if u.message] == ["one", "two"]
    again = await bot.get_updates(timeout=0)  # nothing confirmed yet: all still there
    assert len(again) == 3

    rest = await bot.get_updates(offset=first[-1].update_id + 1, timeout=0)
    assert [u.message.text for u in rest if u.message] == ["three"]
    assert [u.update_id for u in rest] == [first[-1].update_id + 1]

    assert await bot.get_updates(offset=rest[-1].update_id + 1, timeout=0) == []
    assert emulator.pending_update_count() == 0


async def test_allowed_updates_drops_other_types(emulator: EmulatorServer, bot: Bot) -> None:
    emulator.user_sends_text(ANNA_USER_ID, "ignored")

    assert await bot.get_updates(timeout=0, allowed_updates=["callback_query"]) == []
    assert emulator.pending_update_count() == 0


async def test_a_newer_poll_ends_an_older_one_with_409(bot: Bot) -> None:
    older = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)

    assert await bot.get_updates(timeout=0) == []
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await older


async def test_aiogram_dispatcher_polls_and_answers(emulator: EmulatorServer) -> None:
    async with running_echo_bot(emulator):
        sent = emulator.user_sends_text(ANNA_USER_ID, "как дела?")
        reply = await emulator.wait_for_bot_message(
            ANNA_USER_ID, timeout=5, after_message_id=sent["message"]["message_id"]
        )
        assert reply["text"] == "Эхо: как дела?"
        emulator.user_presses_button(ANNA_USER_ID, reply["message_id"], "thanks")
        edited = await emulator.wait_for_bot_message(
            ANNA_USER_ID, lambda m: m["text"].endswith("✓"), timeout=5
        )

    assert edited["message_id"] == reply["message_id"]
    assert [a.text for a in emulator.callback_answers] == ["Рада помочь"]
    assert emulator.calls_of("getMe"), "aiogram's polling starts with getMe"
