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
from tests.e2e.people import Person, buttons_of, text_of

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


def _titles(message: dict[str, Any]) -> list[str]:
    lines = text_of(message).splitlines()[1:]
    return [line.split(". ", 1)[1].split(" (")[0] for line in lines if line[:1].isdigit()]


async def test_ask_like_ask_again_and_admin_imports(tmp_path: Path, nlu_cache: Path) -> None:
    async with recommend_sova(tmp_path, nlu_cache) as emulator:
        boris = Person(emulator, BORIS_USER_ID)
        first = await boris.says("recommend me a sci-fi movie", "Films for you")
        titles = _titles(first)
        assert len(titles) == 5
        assert "sci-fi, as you asked" in text_of(first)
        assert {"1 👍", "1 👎", "1 ✓ seen", "5 👍", "🔄 More"} <= set(buttons_of(first))

        ack = await boris.presses(first, "1 👍", "Noted: you liked")
        assert titles[0] in text_of(ack)
        second = await boris.says("recommend me a sci-fi movie", "Films for you")
        assert _titles(second) != titles and titles[0] not in _titles(second)
        assert f"similar to «{titles[0]}»" in text_of(second)

        # Russian, with a title to start from.
        anna = Person(emulator, ANNA_USER_ID)
        like = await anna.says("посоветуй что-нибудь похожее на Интерстеллар", "Похожее на")
        assert "«Интерстеллар»" in text_of(like) and len(_titles(like)) == 5

        # An administrator's catalog, as a CSV with the caption; then a history that names
        # an item the catalog lacks.
        admin = Person(emulator, ADMIN_USER_ID)
        catalog = (
            "id,title,type,genres,year,title_ru\n"
            "x1,Moon,film,sci-fi|drama,2009,Луна 2112\n"
            "x2,Primer,film,sci-fi|thriller,2004,Детонатор\n"
        ).encode()
        added = await admin.sends_file(
            catalog, "films.csv", "Catalog imported", caption="/rec import"
        )
        assert "2 new, 0 updated; 188 items now" in text_of(added)
        history = b"user,item\nu1,x1\nu1,zz9\n"
        refused = await admin.sends_file(
            history, "ratings.csv", "not in the", caption="/rec import"
        )
        assert "Item «zz9» (rows 3) is not in the catalog" in text_of(refused)
