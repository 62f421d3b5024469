"""Run the emulator alone: ``python -m bot.channels.emulator [--port 8081]``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from pathlib import Path

from bot.channels.emulator.server import DEFAULT_TOKEN, EmulatorServer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot.channels.emulator",
        description="A local Telegram Bot API with a web chat page (no token, no internet).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--bot-username", default="sova_bot")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="where files are kept (default: a temp dir)"
    )
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    server = EmulatorServer(
        args.host,
        args.port,
        token=args.token,
        data_dir=args.data_dir,
        bot_username=args.bot_username,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    async with server:
        print(f"Telegram emulator: chat with the bot at {server.url}/", flush=True)
        print(f"Bot API base URL: {server.url}  token: {server.token}", flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
