"""Shared by the imagegen plugin and e2e tests: a running Sova behind the Bot API emulator,
photos to send, and reading the pictures the bot sent back."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from bot.app import Sova
from bot.channels.emulator import EmulatorServer
from bot.launch import telegram_channel
from models.imagegen.sample_images import load_samples
from tests.e2e.harness import make_settings

# One plugin set for every imagegen test: the NLU is trained once per run and then cached.
PLUGINS = ("smalltalk", "account", "imagegen")
WAIT_S = 60.0


@asynccontextmanager
async def imagegen_sova(
    tmp_path: Path, nlu_cache: Path, **options: str
) -> AsyncIterator[EmulatorServer]:
    """``options`` are ``[plugins.imagegen]`` keys (``landscape_size="160"``)."""
    env = {f"SOVA_PLUGINS__IMAGEGEN__{key.upper()}": value for key, value in options.items()}
    settings = make_settings(
        tmp_path,
        db_url=f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}",
        nlu_cache=nlu_cache,
        plugins=PLUGINS,
        extra_env=env,
    )
    async with EmulatorServer(data_dir=tmp_path / "emulator") as emulator:
        channel = telegram_channel(settings, token=emulator.token, api_url=emulator.url)
        async with Sova(settings, [channel]):
            yield emulator


def photo_bytes(width: int = 96, height: int = 72, *, fmt: str = "JPEG") -> bytes:
    """A real photo (a held-out sample, so no network has seen it), at the given size."""
    cat = load_samples(("skimage:chelsea.png",))["skimage:chelsea.png"]
    buffer = io.BytesIO()
    Image.fromarray(cat).resize((width, height)).save(buffer, format=fmt)
    return buffer.getvalue()


def text_of(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "")


def file_bytes(emulator: EmulatorServer, file_id: str) -> bytes:
    stored = emulator.state.files.get(file_id)
    assert stored is not None
    return emulator.state.files.read(stored)


def sent_picture(emulator: EmulatorServer, message: dict[str, Any]) -> Image.Image:
    """The picture of a bot message, sent as a photo or as a file."""
    if "photo" in message:
        data = file_bytes(emulator, message["photo"][-1]["file_id"])
    else:
        data = file_bytes(emulator, message["document"]["file_id"])
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.int16)


class Person:
    """One simulated user; each step waits for the bot's next matching message."""

    def __init__(self, emulator: EmulatorServer, user_id: int) -> None:
        self.emulator = emulator
        self.user_id = user_id

    def last(self) -> int:
        messages = self.emulator.bot_messages(self.user_id)
        return messages[-1]["message_id"] if messages else 0

    async def expect(self, check: Callable[[dict[str, Any]], bool], after: int) -> dict[str, Any]:
        try:
            return await self.emulator.wait_for_bot_message(
                self.user_id, check, timeout=WAIT_S, after_message_id=after
            )
        except TimeoutError:
            got = [text_of(m) for m in self.emulator.bot_messages(self.user_id)]
            raise AssertionError(f"no matching reply; the bot said: {got}") from None

    async def says(self, text: str, needle: str) -> dict[str, Any]:
        after = self.last()
        self.emulator.user_sends_text(self.user_id, text)
        return await self.expect(lambda m: needle in text_of(m), after)

    async def sends_photo(
        self, image: bytes, caption: str, check: Callable[[dict[str, Any]], bool]
    ) -> dict[str, Any]:
        after = self.last()
        self.emulator.user_sends_photo(self.user_id, image, caption=caption)
        return await self.expect(check, after)


def has_picture(message: dict[str, Any]) -> bool:
    return "photo" in message or "document" in message


def says(needle: str) -> Callable[[dict[str, Any]], bool]:
    return lambda message: needle in text_of(message)
