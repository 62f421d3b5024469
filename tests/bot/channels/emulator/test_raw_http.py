"""The wire format without aiogram: every way Telegram accepts parameters, exact error bodies."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.channels.emulator import ANNA_USER_ID, EmulatorServer


@pytest.fixture
async def http(emulator: EmulatorServer) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=emulator.url) as session:
        yield session


def method_path(emulator: EmulatorServer, method: str) -> str:
    return f"/bot{emulator.token}/{method}"


async def test_parameters_by_query_json_and_form(
    emulator: EmulatorServer, http: aiohttp.ClientSession
) -> None:
    path = method_path(emulator, "sendMessage")
    async with http.get(path, params={"chat_id": ANNA_USER_ID, "text": "by query"}) as response:
        assert (await response.json())["result"]["text"] == "by query"
    async with http.post(path, json={"chat_id": ANNA_USER_ID, "text": "by json"}) as response:
        assert (await response.json())["result"]["text"] == "by json"
    async with http.post(path, data={"chat_id": str(ANNA_USER_ID), "text": "by form"}) as response:
        body = await response.json()

    assert body["ok"] is True
    assert set(body["result"]) == {"message_id", "from", "chat", "date", "text"}
    assert [m["text"] for m in emulator.bot_messages(ANNA_USER_ID)] == [
        "by query", "by json", "by form"
    ]


async def test_error_bodies_match_the_bot_api(
    emulator: EmulatorServer, http: aiohttp.ClientSession
) -> None:
    async with http.get("/bot123:wrong/getMe") as response:
        assert response.status == 401
        assert await response.json() == {
            "ok": False, "error_code": 401, "description": "Unauthorized"
        }
    async with http.get(method_path(emulator, "noSuchMethod")) as response:
        assert response.status == 404
        assert await response.json() == {
            "ok": False, "error_code": 404, "description": "Not Found"
        }

    emulator.fail_next("getMe", status=429, retry_after=7)
    async with http.get(method_path(emulator, "getme")) as response:  # case-insensitive
        assert response.status == 429
        assert await response.json() == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        }


async def test_a_poll_abandoned_by_its_client_does_not_hold_the_server(
    emulator: EmulatorServer, http: aiohttp.ClientSession
) -> None:
    path = method_path(emulator, "getUpdates")
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.3):
            await http.get(path, params={"timeout": 30})

    emulator.user_sends_text(ANNA_USER_ID, "still there?")
    async with http.get(path, params={"timeout": 5}) as response:
        body = await response.json()

    assert [u["message"]["text"] for u in body["result"]] == ["still there?"]
