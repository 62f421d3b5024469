"""End-to-end latency of a text message through the bus, measured in-process.

A real Sova (in-memory bus, SQLite store, trained NLU, plugins) gets ``--messages`` text
messages from ``--chats`` simulated users at once; latency is from submit to the turn's
``TurnCompleted`` (recorded, understood, handled, reply recorded and delivered). The baseline
in the same run is the bare bus: the same number of events through ``MemoryBus`` with a no-op
handler, so the ratio shows what Sova's stages cost on top of the transport.

    python -m bench.e2e_latency --out bench/out/e2e_latency.json

JSON: {"messages", "chats", "latency_ms": {"p50", "p90", "p99", "max"}, "throughput_msg_s",
"stage_ms_p50": {stage: ms}, "baseline_bus": {"latency_ms": {"p50", "p99"}}}
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from bench.output import write_json
from bot.app import Sova
from bot.bus import MemoryBus
from bot.config import Settings, load_settings
from bot.events import Event, InboundMessage, OutboundReply, TurnCompleted
from bot.storage import MessageRow

REPO = Path(__file__).resolve().parents[1]

# Templates filled with varied words and numbers, so no two messages are the same text
# (the NLU must do its full work each time, as with real users).
TEMPLATES = (
    "hello {name}",
    "привет, {name_ru}",
    "what can you do",
    "что ты умеешь",
    "remind me in {n} minutes to {task}",
    "напомни мне через {n} часа {task_ru}",
    "what are my reminders",
    "какие у меня напоминания",
    "thanks a lot {name}",
    "какая погода на {planet}",
)
NAMES = ("ann", "bob", "carol", "dave", "eve")
NAMES_RU = ("аня", "боря", "вера", "гоша", "даша")
TASKS = ("stretch", "call mom", "check the oven", "water the plants", "send the report")
TASKS_RU = ("позвонить маме", "полить цветы", "выпить воды", "проверить почту", "купить хлеб")
PLANETS = ("марсе", "венере", "луне", "юпитере")


def message_text(i: int) -> str:
    return TEMPLATES[i % len(TEMPLATES)].format(
        name=NAMES[i % 5], name_ru=NAMES_RU[i % 5], n=2 + i % 50,
        task=TASKS[i % 5], task_ru=TASKS_RU[i % 5], planet=PLANETS[i % 4],
    )  # fmt: skip


def bench_settings(
    data_dir: Path, nlu_cache: Path, extra_env: dict[str, str] | None = None
) -> Settings:
    env = {
        "SOVA_APP__DATA_DIR": str(data_dir),
        "SOVA_STORAGE__URL": f"sqlite+aiosqlite:///{data_dir / 'bench.db'}",
        "SOVA_NLU__CACHE_DIR": str(nlu_cache.resolve()),
        "SOVA_PLUGINS__ENTRY_POINTS": "false",
        **(extra_env or {}),
    }
    return load_settings(REPO / "config.toml", env=env)


class BenchChannel:
    """Counts deliveries; resolves a future per message when its turn completes."""

    name = "bench"

    def __init__(self) -> None:
        self.done: dict[str, asyncio.Future[float]] = {}

    async def start(self, host: object) -> None: ...

    async def stop_receiving(self) -> None: ...

    async def stop(self) -> None: ...

    async def deliver(self, reply: OutboundReply) -> str | None:
        return None

    async def notify(self, event: Event) -> None:
        if isinstance(event, TurnCompleted) and event.trace_id in self.done:
            self.done[event.trace_id].set_result(time.perf_counter())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def run_sova(messages: int, chats: int, nlu_cache: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(Path(tmp), nlu_cache)
        channel = BenchChannel()
        async with Sova(settings, [channel]) as app:
            latencies: list[float] = []
            per_chat = messages // chats

            async def user(chat_id: int) -> None:
                for i in range(per_chat):
                    text = message_text(chat_id * 7919 + i)
                    message = InboundMessage(
                        chat_id=chat_id, user_id=chat_id, channel="bench", text=text
                    )
                    future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
                    channel.done[message.trace_id] = future
                    start = time.perf_counter()
                    await app.submit(message)
                    latencies.append((await future - start) * 1000)

            await user(10_000)  # warm-up: first NLU call, first inserts
            latencies.clear()
            wall = time.perf_counter()
            await asyncio.gather(*(user(chat) for chat in range(1, chats + 1)))
            wall = time.perf_counter() - wall
            async with app.db.session() as session:
                rows = list(await session.scalars(select(MessageRow)))
        stages: dict[str, list[float]] = {}
        for row in rows:
            for stage, ms in (row.latency_ms or {}).items():
                stages.setdefault(stage, []).append(ms)
    return {
        "messages": len(latencies),
        "chats": chats,
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 2),
            "p90": round(percentile(latencies, 90), 2),
            "p99": round(percentile(latencies, 99), 2),
            "max": round(max(latencies), 2),
        },
        "throughput_msg_s": round(len(latencies) / wall, 1),
        "stage_ms_p50": {k: round(statistics.median(v), 2) for k, v in sorted(stages.items())},
    }


async def run_bare_bus(messages: int, chats: int) -> dict[str, object]:
    bus = MemoryBus()
    done: dict[str, asyncio.Future[float]] = {}

    async def handler(event: Event) -> None:
        done[event.trace_id].set_result(time.perf_counter())

    bus.subscribe("message.in", handler, group="bench")
    await bus.start()
    latencies: list[float] = []

    async def user(chat_id: int) -> None:
        for _ in range(messages // chats):
            message = InboundMessage(chat_id=chat_id, user_id=chat_id, channel="bench", text="x")
            done[message.trace_id] = asyncio.get_running_loop().create_future()
            start = time.perf_counter()
            await bus.publish(message)
            latencies.append((await done[message.trace_id] - start) * 1000)

    await asyncio.gather(*(user(chat) for chat in range(1, chats + 1)))
    await bus.stop()
    return {
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 4),
            "p99": round(percentile(latencies, 99), 4),
        }
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="unused (this benchmark generates its messages)")
    parser.add_argument("--out", type=Path, help="write the JSON here")
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--chats", type=int, default=10)
    parser.add_argument("--nlu-cache", type=Path, default=Path("var/nlu-cache"))
    args = parser.parse_args(argv)
    result = asyncio.run(run_sova(args.messages, args.chats, args.nlu_cache))
    result["baseline_bus"] = asyncio.run(run_bare_bus(args.messages, args.chats))
    lat = result["latency_ms"]
    base = result["baseline_bus"]["latency_ms"]  # type: ignore[index]
    assert isinstance(lat, dict)
    print(f"{'':24}{'p50 ms':>10}{'p99 ms':>10}")
    print(f"{'Sova, text message':24}{lat['p50']:>10}{lat['p99']:>10}")
    print(f"{'bare MemoryBus':24}{base['p50']:>10}{base['p99']:>10}")
    print(f"throughput: {result['throughput_msg_s']} msg/s over {result['chats']} chats")
    print("stage p50 ms:", result["stage_ms_p50"])
    if args.out:
        write_json(args.out, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
