"""Recommendations through the real aiogram client and the local Bot API emulator: a user
asks for a film, gets a list with buttons, presses 👍, asks again and the list changes; an
administrator imports a catalog from a CSV caption and gets a precise error for a bad one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.app import Sova
from bot.channels.emulator import ADMIN_USER_ID, ANNA_USER_ID, BORIS_USER_ID, EmulatorServer
from bot.launch import telegram_channel
from plugins.recommend import Recommendations
from tests.e2e.harness import make_settings

PLUGINS = ("smalltalk", "account", "recommend")  # as tests/plugins/recommend: one NLU training


@asynccontextmanager
async def recommend_sova(tmp_path: Path, nlu_cache: Path) -> AsyncIterator[EmulatorServer]:
    settings = make_settings(
        tmp_path,
        db_url=f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}",
        nlu_cache=nlu_cache,
        plugins=PLUGINS,
        extra_env={"SOVA_ADMIN__USERS": str(ADMIN_USER_ID)},
    )
    async with EmulatorServer(data_dir=tmp_path / "emulator") as emulator:
        channel = telegram_channel(settings, token=emulator.token, api_url=emulator.url)
        async with Sova(settings, [channel]) as app:
            assert app.registry is not None
            plugin = app.registry.plugins["recommend"]
            assert isinstance(plugin, Recommendations)
            await plugin.ready()  # the first model and the catalog's embeddings
            yield emulator


def _text(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "")


def _buttons(message: dict[str, Any]) -> dict[str, str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}


def _titles(message: dict[str, Any]) -> list[str]:
    lines = _text(message).splitlines()[1:]
    return [line.split(". ", 1)[1].split(" (")[0] for line in lines if line[:1].isdigit()]


class Person:
    def __init__(self, emulator: EmulatorServer, user_id: int) -> None:
        self.emulator = emulator
        self.user_id = user_id

    def _last(self) -> int:
        messages = self.emulator.bot_messages(self.user_id)
        return messages[-1]["message_id"] if messages else 0

    async def _expect(self, needle: str, after: int) -> dict[str, Any]:
        return await self.emulator.wait_for_bot_message(
            self.user_id, lambda m: needle in _text(m), timeout=20, after_message_id=after
        )

    async def says(self, text: str, needle: str) -> dict[str, Any]:
        after = self._last()
        self.emulator.user_sends_text(self.user_id, text)
        return await self._expect(needle, after)

    async def presses(self, message: dict[str, Any], label: str, needle: str) -> dict[str, Any]:
        after = self._last()
        self.emulator.user_presses_button(
            self.user_id, message["message_id"], _buttons(message)[label]
        )
        return await self._expect(needle, after)

    async def sends_file(self, data: bytes, name: str, caption: str, needle: str
                         ) -> dict[str, Any]:  # fmt: skip
        after = self._last()
        self.emulator.user_sends_document(self.user_id, data, name, caption=caption)
        return await self._expect(needle, after)


async def test_ask_like_ask_again_and_admin_imports(tmp_path: Path, nlu_cache: Path) -> None:
    async with recommend_sova(tmp_path, nlu_cache) as emulator:
        boris = Person(emulator, BORIS_USER_ID)
        first = await boris.says("recommend me a sci-fi movie", "Films for you")
        titles = _titles(first)
        assert len(titles) == 5
        assert "sci-fi, as you asked" in _text(first)
        assert {"1 👍", "1 👎", "1 ✓ seen", "5 👍", "🔄 More"} <= set(_buttons(first))

        ack = await boris.presses(first, "1 👍", "Noted: you liked")
        assert titles[0] in _text(ack)
        second = await boris.says("recommend me a sci-fi movie", "Films for you")
        assert _titles(second) != titles and titles[0] not in _titles(second)
        assert f"similar to «{titles[0]}»" in _text(second)

        # Russian, with a title to start from.
        anna = Person(emulator, ANNA_USER_ID)
        like = await anna.says("посоветуй что-нибудь похожее на Интерстеллар", "Похожее на")
        assert "«Интерстеллар»" in _text(like) and len(_titles(like)) == 5

        # An administrator's catalog, as a CSV with the caption; then a history that names
        # an item the catalog lacks.
        admin = Person(emulator, ADMIN_USER_ID)
        catalog = (
            "id,title,type,genres,year,title_ru\n"
            "x1,Moon,film,sci-fi|drama,2009,Луна 2112\n"
            "x2,Primer,film,sci-fi|thriller,2004,Детонатор\n"
        ).encode()
        added = await admin.sends_file(catalog, "films.csv", "/rec import", "Catalog imported")
        assert "2 new, 0 updated; 188 items now" in _text(added)
        history = b"user,item\nu1,x1\nu1,zz9\n"
        refused = await admin.sends_file(history, "ratings.csv", "/rec import", "not in the")
        assert "Item «zz9» (rows 3) is not in the catalog" in _text(refused)
