"""An emulator on a free 127.0.0.1 port and a real aiogram ``Bot`` pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.channels.emulator import EmulatorServer


@pytest.fixture
async def emulator(tmp_path: Path) -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer(data_dir=tmp_path) as server:
        yield server


class LoopbackSession(AiohttpSession):
    """aiogram's session without the 250 ms pause on close meant for SSL connections.

    The emulator is plain HTTP on 127.0.0.1, so the pause only slows every test down.
    """

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def make_bot(emulator: EmulatorServer, token: str | None = None) -> Bot:
    session = LoopbackSession(api=TelegramAPIServer.from_base(emulator.url))
    return Bot(token=token or emulator.token, session=session)


@pytest.fixture
async def bot(emulator: EmulatorServer) -> AsyncIterator[Bot]:
    client = make_bot(emulator)
    try:
        yield client
    finally:
        await client.session.close()
