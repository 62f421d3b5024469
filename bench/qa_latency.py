"""How long a question to the built-in knowledge base takes, end to end, against a greeting.

A real Sova (in-memory bus, SQLite store, trained NLU, the QA plugin with its packaged reader,
Sova's own docs indexed as on a fresh install) gets questions about Sova in English and
Russian, one at a time; latency is from submit to the turn's ``TurnCompleted`` (understood,
retrieved, read, answer recorded and delivered). The baseline in the same run is a greeting
("hello" / "привет"), the cheapest turn through the same pipeline. Each answer is also checked
for the phrase that answers it (from the user guide), so a fast wrong answer shows.

    python -m bench.qa_latency --rounds 5 --out bench/out/qa_latency.json

JSON: {"questions", "rounds", "answered", "latency_ms": {"p50", "p90", "p99"},
"latency_ms_by_lang": {"en": {...}, "ru": {...}}, "baseline_greeting_ms": {"p50", "p90",
"p99"}, "ratio_p50", "stage_ms_p50": {stage: ms}}
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.e2e_latency import BenchChannel, bench_settings, percentile
from bench.output import write_json
from bot.app import Sova
from bot.events import InboundMessage, OutboundReply
from bot.storage import MessageRow

# (question, a phrase the right answer contains), from docs/user-guide{,.ru}.md.
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("How do I set a reminder?", "remind me"),
    ("How do I turn off voice replies?", "/voice off"),
    ("How can I change my time zone?", "/timezone"),
    ("How do I delete everything Sova stores about me?", "/forget"),
    ("Which database does Sova keep messages in?", "SQLite"),
    ("How do I see my reminders?", "/reminders"),
    ("Как включить голосовые ответы?", "/voice on"),
    ("Как удалить все мои данные?", "/forget"),
    ("Как поменять часовой пояс?", "/timezone"),
    ("Как запустить таймер?", "таймер"),
    ("Где Сова хранит сообщения?", "SQL"),
    ("Как посмотреть мои напоминания?", "/reminders"),
)
GREETINGS = ("hello", "привет")


class AnswerChannel(BenchChannel):
    """Also keeps each turn's reply texts, to check the answers."""

    def __init__(self) -> None:
        super().__init__()
        self.replies: dict[str, list[str]] = {}

    async def deliver(self, reply: OutboundReply) -> str | None:
        self.replies.setdefault(reply.trace_id, []).append(reply.text)
        return None


async def _turn(app: Sova, channel: AnswerChannel, text: str, chat_id: int) -> tuple[float, str]:
    message = InboundMessage(chat_id=chat_id, user_id=chat_id, channel="bench", text=text)
    done: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    channel.done[message.trace_id] = done
    started = time.perf_counter()
    await app.submit(message)
    elapsed_ms = (await done - started) * 1000
    return elapsed_ms, "\n".join(channel.replies.get(message.trace_id, []))


def _summary(values: list[float]) -> dict[str, float]:
    return {f"p{q}": round(percentile(values, q), 1) for q in (50, 90, 99)}


async def run(rounds: int, nlu_cache: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(Path(tmp), nlu_cache)
        channel = AnswerChannel()
        async with Sova(settings, [channel]) as app:
            assert app.registry is not None
            qa = app.registry.plugins["qa"]
            await qa.synced()  # type: ignore[attr-defined]  # the docs are indexed
            # Warm-up: the first question loads the reader and the embedder.
            for question, _ in QUESTIONS[:1] + QUESTIONS[6:7]:
                await _turn(app, channel, question, 9_000)
            await _turn(app, channel, GREETINGS[0], 9_001)

            by_lang: dict[str, list[float]] = {"en": [], "ru": []}
            greetings: list[float] = []
            answered = 0
            for round_ in range(rounds):
                for i, (question, needle) in enumerate(QUESTIONS):
                    ms, text = await _turn(app, channel, question, 100 + i)
                    by_lang["ru" if i >= 6 else "en"].append(ms)
                    answered += round_ == 0 and needle.lower() in text.lower()
                for i, greeting in enumerate(GREETINGS):
                    greetings.append((await _turn(app, channel, greeting, 200 + i))[0])
                print(f"round {round_ + 1}/{rounds}", file=sys.stderr)
            async with app.db.session() as session:
                rows = list(
                    await session.scalars(select(MessageRow).where(MessageRow.plugin == "qa"))
                )
    stages: dict[str, list[float]] = {}
    for row in rows:
        for stage, ms in (row.latency_ms or {}).items():
            stages.setdefault(stage, []).append(ms)
    questions = by_lang["en"] + by_lang["ru"]
    return {
        "questions": len(QUESTIONS),
        "rounds": rounds,
        "answered": answered,
        "latency_ms": _summary(questions),
        "latency_ms_by_lang": {lang: _summary(v) for lang, v in by_lang.items()},
        "baseline_greeting_ms": _summary(greetings),
        "ratio_p50": round(percentile(questions, 50) / percentile(greetings, 50), 1),
        "stage_ms_p50": {k: round(statistics.median(v), 1) for k, v in sorted(stages.items())},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="times each question is asked")
    parser.add_argument("--nlu-cache", type=Path, default=Path("var/nlu-cache"))
    parser.add_argument("--out", type=Path, help="write the JSON here")
    parser.add_argument("--data", type=Path, help="unused: the knowledge base is Sova's docs")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.rounds, args.nlu_cache))
    print(
        f"{result['questions']} questions × {result['rounds']} rounds; "
        f"answered with the right phrase: {result['answered']}/{result['questions']}"
    )
    print(f"{'turn':<22}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}")
    rows = [
        ("question (all)", result["latency_ms"]),
        ("question (en)", result["latency_ms_by_lang"]["en"]),
        ("question (ru)", result["latency_ms_by_lang"]["ru"]),
        ("greeting (baseline)", result["baseline_greeting_ms"]),
    ]
    for name, lat in rows:
        print(f"{name:<22}{lat['p50']:>9.1f}{lat['p90']:>9.1f}{lat['p99']:>9.1f}")
    print(f"question / greeting at p50: {result['ratio_p50']}×")
    print("stages (p50 ms): " + ", ".join(f"{k} {v}" for k, v in result["stage_ms_p50"].items()))
    if args.out:
        write_json(args.out, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
