"""A real Sova (bus, SQL store, NLU, scheduler, plugins) with a terminal channel writing into a
buffer, so tests talk to it exactly as a person at a terminal would."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from bot.app import Sova
from bot.channels.terminal import TerminalChannel
from bot.config import Settings, load_settings

REPO = Path(__file__).resolve().parents[2]


def make_settings(
    data_dir: Path,
    *,
    db_url: str,
    nlu_cache: Path,
    plugins: Sequence[str] = ("smalltalk", "account", "reminders"),
    extra_env: dict[str, str] | None = None,
) -> Settings:
    env = {
        "SOVA_APP__DATA_DIR": str(data_dir),
        "SOVA_APP__DEFAULT_LANGUAGE": "en",
        "SOVA_STORAGE__URL": db_url,
        "SOVA_NLU__CACHE_DIR": str(nlu_cache),
        "SOVA_PLUGINS__ENABLED": json.dumps(list(plugins)),
        "SOVA_PLUGINS__ENTRY_POINTS": "false",
        **(extra_env or {}),
    }
    return load_settings(REPO / "config.toml", env=env)


class Chat:
    def __init__(self, app: Sova, terminal: TerminalChannel, output: io.StringIO) -> None:
        self.app = app
        self.terminal = terminal
        self.output = output

    async def say(self, text: str) -> str:
        """Send one message; return everything printed for that turn."""
        before = len(self.output.getvalue())
        await self.terminal.say(text)
        return self.output.getvalue()[before:]

    async def wait_for(self, needle: str, within: float = 10.0) -> str:
        """Wait until ``needle`` is printed (e.g. a reminder firing); return the whole output."""
        async with asyncio.timeout(within):
            # The output is a plain StringIO with nothing to await on; poll it briefly.
            while needle not in self.output.getvalue():  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        return self.output.getvalue()


@asynccontextmanager
async def running_sova(settings: Settings, *, user_id: int = 7) -> AsyncIterator[Chat]:
    output = io.StringIO()
    terminal = TerminalChannel(user_id=user_id, output=output, interactive=False)
    async with Sova(settings, [terminal]) as app:
        yield Chat(app, terminal, output)
