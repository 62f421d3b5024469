"""Sova through the real aiogram client and the local Bot API emulator, over real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.app import Sova
from bot.channels.emulator import ADMIN_USER_ID, ANNA_USER_ID, BORIS_USER_ID, EmulatorServer
from bot.config import Settings
from bot.launch import telegram_channel
from tests.e2e.harness import make_settings
from tests.e2e.people import text_of


@asynccontextmanager
async def telegram_sova(settings: Settings, tmp_path: Path) -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer(data_dir=tmp_path / "emulator") as emulator:
        channel = telegram_channel(settings, token=emulator.token, api_url=emulator.url)
        async with Sova(settings, [channel]):
            yield emulator


async def _reply(emulator: EmulatorServer, chat_id: int, needle: str) -> dict[str, Any]:
    return await emulator.wait_for_bot_message(chat_id, lambda m: needle in text_of(m), timeout=15)


async def test_reminder_through_telegram(tmp_path: Path, nlu_cache: Path) -> None:
    settings = make_settings(
        tmp_path, db_url=f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}", nlu_cache=nlu_cache
    )
    async with telegram_sova(settings, tmp_path) as emulator:
        emulator.user_sends_text(ANNA_USER_ID, "напомни мне через 3 секунды позвонить маме")
        await _reply(emulator, ANNA_USER_ID, "Хорошо, напомню")
        await _reply(emulator, ANNA_USER_ID, "⏰ Напоминание: позвонить маме")
        emulator.user_sends_text(BORIS_USER_ID, "/start")
        start = await _reply(emulator, BORIS_USER_ID, "Which language")
        buttons = start["reply_markup"]["inline_keyboard"][0]
        assert [b["text"] for b in buttons] == ["Русский", "English"]
        emulator.user_presses_button(
            BORIS_USER_ID, start["message_id"], buttons[0]["callback_data"]
        )
        await _reply(emulator, BORIS_USER_ID, "Язык: Русский")


async def test_admin_commands_through_telegram(tmp_path: Path, nlu_cache: Path) -> None:
    settings = make_settings(
        tmp_path,
        db_url=f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}",
        nlu_cache=nlu_cache,
        plugins=("smalltalk", "account", "reminders", "admin"),
        extra_env={"SOVA_ADMIN__USERS": str(ADMIN_USER_ID)},
    )
    async with telegram_sova(settings, tmp_path) as emulator:
        emulator.user_sends_text(BORIS_USER_ID, "/stats")
        await _reply(emulator, BORIS_USER_ID, "for administrators only")
        emulator.user_sends_text(ADMIN_USER_ID, "/stats")
        await _reply(emulator, ADMIN_USER_ID, "Sova statistics")
        # The chart arrives as a photo.
        await emulator.wait_for_bot_message(ADMIN_USER_ID, lambda m: "photo" in m, timeout=15)


async def test_reply_cut_off_by_a_restart_is_sent_once_after_it(
    tmp_path: Path, nlu_cache: Path
) -> None:
    settings = make_settings(
        tmp_path,
        db_url=f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}",
        nlu_cache=nlu_cache,
        extra_env={"SOVA_BUS__DRAIN_TIMEOUT_S": "0.5"},
    )
    async with EmulatorServer(data_dir=tmp_path / "emulator") as emulator:
        # Telegram is failing: every send gets a 502 while Sova is stopped mid-delivery.
        emulator.fail_next("sendMessage", status=502, retry_after=None, times=1000)
        channel = telegram_channel(settings, token=emulator.token, api_url=emulator.url)
        async with Sova(settings, [channel]) as app:
            emulator.user_sends_text(ANNA_USER_ID, "what can you do")
            async with asyncio.timeout(15):
                while not emulator.calls_of("sendMessage"):  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
            pending = await app.replies.undelivered()
            assert [r.status for r in pending] == ["pending"]
        assert emulator.bot_messages(ANNA_USER_ID) == []
        emulator.state.faults.clear()  # Telegram is back
        channel = telegram_channel(settings, token=emulator.token, api_url=emulator.url)
        async with Sova(settings, [channel]) as app:
            await _reply(emulator, ANNA_USER_ID, "Here is what I can do")
            assert await app.replies.undelivered() == []
        sent = [m for m in emulator.bot_messages(ANNA_USER_ID) if "what I can do" in text_of(m)]
        assert len(sent) == 1


async def test_webhook_mode_end_to_end(tmp_path: Path, nlu_cache: Path) -> None:
    settings = make_settings(
        tmp_path,
        db_url=f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}",
        nlu_cache=nlu_cache,
        extra_env={
            "SOVA_TELEGRAM__MODE": "webhook",
            "SOVA_TELEGRAM__WEBHOOK_HOST": "127.0.0.1",
            "SOVA_TELEGRAM__WEBHOOK_PORT": "0",
        },
    )
    async with telegram_sova(settings, tmp_path) as emulator:
        async with asyncio.timeout(15):
            while not emulator.calls_of("setWebhook"):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        emulator.user_sends_text(BORIS_USER_ID, "remind me in 10 minutes to stretch")
        await _reply(emulator, BORIS_USER_ID, "OK, I'll remind you")
        assert not emulator.calls_of("getUpdates")  # nothing was polled


async def test_photo_voice_and_document_are_answered(tmp_path: Path, nlu_cache: Path) -> None:
    settings = make_settings(
        tmp_path, db_url=f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}", nlu_cache=nlu_cache
    )
    async with telegram_sova(settings, tmp_path) as emulator:
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
        emulator.user_sends_photo(BORIS_USER_ID, png)
        first = await _reply(emulator, BORIS_USER_ID, "can't handle this kind of message yet")
        emulator.user_sends_voice(BORIS_USER_ID, b"OggS" + b"\x00" * 64, 2)
        second = await emulator.wait_for_bot_message(
            BORIS_USER_ID, timeout=15, after_message_id=first["message_id"]
        )
        assert "can't handle" in text_of(second)
        # A document with a caption: the caption is read as text.
        emulator.user_sends_document(BORIS_USER_ID, b"a,b\n1,2\n", "data.csv", caption="hello")
        await _reply(emulator, BORIS_USER_ID, "Hi")
