"""The web page's JSON API: a person's messages reach the bot, the bot's show up in the feed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.emulator import ANNA_USER_ID, BORIS_USER_ID, GROUP_CHAT_ID, EmulatorServer
from tests.bot.channels.emulator.media import FAKE_OGG, png_image


@pytest.fixture
async def browser(emulator: EmulatorServer) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=emulator.url) as session:
        yield session


async def feed(
    browser: aiohttp.ClientSession, chat_id: int, after: int = 0, wait_s: float = 0
) -> dict[str, Any]:
    url = f"/chat/api/updates?chat_id={chat_id}&after={after}&timeout={wait_s}"
    async with browser.get(url) as response:
        assert response.status == 200
        body: dict[str, Any] = await response.json()
        return body


async def test_page_and_its_assets_are_served_locally(browser: aiohttp.ClientSession) -> None:
    async with browser.get("/") as page:
        html = await page.text()
    assert page.status == 200
    assert "Сообщение / Message" in html
    assert "http://" not in html and "https://" not in html  # no CDN: works offline
    for asset in ("/chat/static/chat.js", "/chat/static/render.js", "/chat/static/chat.css"):
        async with browser.get(asset) as response:
            assert response.status == 200, asset


async def test_roster_lists_the_simulated_people(browser: aiohttp.ClientSession) -> None:
    async with browser.get("/chat/api/roster") as response:
        roster = await response.json()

    assert [u["id"] for u in roster["users"]] == [1000, 1001, 1002]
    assert roster["group"]["id"] == GROUP_CHAT_ID
    assert roster["bot"]["username"] == "sova_bot"


async def test_text_from_the_page_reaches_the_bot_and_the_reply_reaches_the_page(
    emulator: EmulatorServer, bot: Bot, browser: aiohttp.ClientSession
) -> None:
    async with browser.post(
        "/chat/api/send", json={"user_id": ANNA_USER_ID, "chat_id": ANNA_USER_ID, "text": "hi"}
    ) as response:
        assert response.status == 200
    [update] = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.text == "hi"
    first = await feed(browser, ANNA_USER_ID)
    assert [(v["message"]["text"], v["from_bot"]) for v in first["messages"]] == [("hi", False)]

    waiting = asyncio.create_task(feed(browser, ANNA_USER_ID, first["revision"], wait_s=5))
    await asyncio.sleep(0.1)
    await bot.send_message(ANNA_USER_ID, "Привет, <b>Анна</b>", parse_mode="HTML")
    second = await asyncio.wait_for(waiting, 2)  # the long poll returns as the reply lands

    [reply] = second["messages"]
    assert reply["from_bot"] is True
    assert reply["message"]["text"] == "Привет, Анна"
    assert reply["message"]["entities"][0]["type"] == "bold"


async def test_feed_shows_edits_typing_and_callback_notices(
    emulator: EmulatorServer, bot: Bot, browser: aiohttp.ClientSession
) -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="OK", callback_data="ok")]]
    )
    sent = await bot.send_message(BORIS_USER_ID, "Подтвердить?", reply_markup=markup)
    start = await feed(browser, BORIS_USER_ID)

    async with browser.post(
        "/chat/api/press",
        json={"user_id": BORIS_USER_ID, "message_id": sent.message_id, "data": "ok"},
    ) as response:
        assert response.status == 200
    [update] = await bot.get_updates(timeout=0)
    assert update.callback_query is not None
    await bot.answer_callback_query(update.callback_query.id, text="Готово")
    await bot.edit_message_text(text="Подтверждено", chat_id=BORIS_USER_ID,
                                message_id=sent.message_id)
    await bot.send_chat_action(BORIS_USER_ID, "typing")

    later = await feed(browser, BORIS_USER_ID, start["revision"])

    [edited] = later["messages"]
    assert edited["message"]["message_id"] == sent.message_id
    assert edited["message"]["text"] == "Подтверждено"
    assert later["notices"] == [{"text": "Готово", "alert": False}]
    assert later["action"] == "typing"
    assert 0 < later["action_seconds"] <= 5


async def test_uploads_become_photo_voice_or_document_messages(
    emulator: EmulatorServer, bot: Bot, browser: aiohttp.ClientSession
) -> None:
    async def upload(data: bytes, name: str, content_type: str, **fields: str) -> None:
        form = aiohttp.FormData()
        form.add_field("user_id", str(BORIS_USER_ID))
        form.add_field("chat_id", str(GROUP_CHAT_ID))
        for key, value in fields.items():
            form.add_field(key, value)
        form.add_field("file", data, filename=name, content_type=content_type)
        async with browser.post("/chat/api/upload", data=form) as response:
            assert response.status == 200, await response.text()

    await upload(png_image(), "cat.png", "image/png", caption="кот")
    await upload(FAKE_OGG, "voice.webm", "audio/webm;codecs=opus", kind="voice", duration="2")
    await upload(b"notes", "notes.txt", "text/plain")

    photo, voice, document = [u.message for u in await bot.get_updates(timeout=0)]
    assert photo is not None and photo.photo is not None and photo.caption == "кот"
    assert voice is not None and voice.voice is not None
    assert (voice.voice.mime_type, voice.voice.duration) == ("audio/webm", 2)
    assert document is not None and document.document is not None
    assert document.document.file_name == "notes.txt"
    assert photo.chat.id == GROUP_CHAT_ID and photo.from_user is not None
    assert photo.from_user.id == BORIS_USER_ID

    async with browser.get(f"/chat/api/file/{voice.voice.file_id}") as response:
        assert response.headers["Content-Type"] == "audio/webm"
        assert await response.read() == FAKE_OGG
