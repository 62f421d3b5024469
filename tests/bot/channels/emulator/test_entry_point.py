"""``python -m bot.channels.emulator`` runs the emulator alone and prints where it listens."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import aiohttp


async def test_module_entry_point_serves_and_prints_the_url(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.channels.emulator", "--port", "0", "--data-dir", str(tmp_path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 20)).decode()
        match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        assert match, line
        async with (
            aiohttp.ClientSession() as session,
            session.get(match.group(1) + "/chat/api/roster") as response,
        ):
            assert response.status == 200
            assert (await response.json())["bot"]["username"] == "sova_bot"
    finally:
        process.terminate()
        assert await asyncio.wait_for(process.wait(), 10) == 0  # SIGTERM is a clean stop
