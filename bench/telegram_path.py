"""Throughput and reply latency of the whole Telegram path, through the local emulator.

``--users`` simulated Telegram users (private chats) each send ``--messages`` text messages
(waiting for the answer before the next), through the local Bot API emulator over real HTTP:
emulator → getUpdates (aiogram) → Sova's bus, NLU, plugins, SQLite store → sendMessage under
Telegram's rate limits (30 messages/s per bot, 1/s per chat) → emulator. Latency runs from
the user's message to Sova's reply as the emulator stores it.

    python -m bench.telegram_path --users 200 --out bench/out/telegram_path.json

JSON: {"users", "messages", "latency_ms": {"p50", "p90", "p99", "max"}, "throughput_msg_s",
"telegram_limit_msg_s": 30, "retry_after": N, "wall_s"}. The baseline is Telegram's own limit:
a bot may send about 30 messages/s, so throughput / 30 says how close the path comes to it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from bench.e2e_latency import bench_settings, message_text, percentile
from bench.output import write_json
from bot.app import Sova
from bot.channels.emulator import EmulatorServer, SimUser
from bot.launch import telegram_channel

TELEGRAM_LIMIT_MSG_S = 30
FIRST_USER_ID = 200_000


async def run(users: int, messages: int, nlu_cache: Path) -> dict[str, object]:
    roster = tuple(
        SimUser(id=FIRST_USER_ID + i, first_name=f"User{i}", username=f"user{i}")
        for i in range(users)
    )
    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(Path(tmp), nlu_cache)
        async with EmulatorServer(data_dir=Path(tmp) / "emulator", users=roster) as emulator:
            channel = telegram_channel(settings, token=emulator.token, api_url=emulator.url)
            async with Sova(settings, [channel]):
                latencies: list[float] = []

                async def user(user_id: int) -> None:
                    for i in range(messages):
                        last = _last_id(emulator, user_id)
                        start = time.perf_counter()
                        emulator.user_sends_text(user_id, message_text(user_id + i))
                        await emulator.wait_for_bot_message(
                            user_id, timeout=300, after_message_id=last
                        )
                        latencies.append((time.perf_counter() - start) * 1000)

                await user(FIRST_USER_ID)  # warm-up
                latencies.clear()
                wall = time.perf_counter()
                await asyncio.gather(*(user(u.id) for u in roster[1:]))
                wall = time.perf_counter() - wall
                retry_after = channel.stats.retry_after
    return {
        "users": users - 1,
        "messages": len(latencies),
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 1),
            "p90": round(percentile(latencies, 90), 1),
            "p99": round(percentile(latencies, 99), 1),
            "max": round(max(latencies), 1),
        },
        "throughput_msg_s": round(len(latencies) / wall, 1),
        "telegram_limit_msg_s": TELEGRAM_LIMIT_MSG_S,
        "retry_after": retry_after,
        "wall_s": round(wall, 1),
    }


def _last_id(emulator: EmulatorServer, chat_id: int) -> int:
    sent = emulator.bot_messages(chat_id)
    return int(sent[-1]["message_id"]) if sent else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="unused (this benchmark generates its messages)")
    parser.add_argument("--out", type=Path, help="write the JSON here")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--messages", type=int, default=1, help="messages per user")
    parser.add_argument("--nlu-cache", type=Path, default=Path("var/nlu-cache"))
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.users + 1, args.messages, args.nlu_cache))
    lat = result["latency_ms"]
    assert isinstance(lat, dict)
    print(f"{'':28}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'msg/s':>8}")
    print(
        f"{'Telegram path, ' + str(result['users']) + ' users':28}"
        f"{lat['p50']:>9}{lat['p90']:>9}{lat['p99']:>9}{result['throughput_msg_s']:>8}"
    )
    print(f"{'Telegram bot send limit':28}{'':>27}{TELEGRAM_LIMIT_MSG_S:>8}")
    print(f"429 retry_after seen: {result['retry_after']}; wall {result['wall_s']} s")
    if args.out:
        write_json(args.out, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
