"""The ``sova`` command: run | demo | chat | nlu | db | train."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import ConfigError, Settings, load_settings
from bot.observability import configure_handlers

log = logging.getLogger("sova")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    _setup_logging(settings, quiet=args.command in ("chat", "nlu"))
    try:
        return int(args.handler(settings, args) or 0)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sova", description="Sova chat assistant")
    parser.add_argument("--config", help="config file (default: $SOVA_CONFIG or ./config.toml)")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("run", help="run the assistant on Telegram (needs SOVA_TELEGRAM__TOKEN)")
    p.set_defaults(handler=_cmd_run)
    p = sub.add_parser(
        "demo", help="run the demo: local Telegram emulator + web chat page, no token needed"
    )
    p.set_defaults(handler=_cmd_demo)
    p = sub.add_parser(
        "chat", help="chat with Sova in this terminal (one message per line when piped)"
    )
    p.add_argument("--user-id", type=int, default=1, help="your user id in the store")
    p.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="after the input ends, keep running this long (to see reminders fire)",
    )
    p.set_defaults(handler=_cmd_chat)

    p = sub.add_parser("nlu", help="print what the NLU understands, or run intent test files")
    p.add_argument("text", nargs="?", help="a message to analyse")
    p.add_argument("--lang", choices=("ru", "en"), help="language (default: detected)")
    p.add_argument("--now", help="reference time, ISO 8601 (default: now)")
    p.add_argument("--tz", help="time zone (default: [app] timezone)")
    p.add_argument("--test", nargs="+", metavar="FILE", help="run intent test YAML files")
    p.set_defaults(handler=_cmd_nlu)

    p = sub.add_parser("db", help="database schema")
    p.add_argument("action", choices=("upgrade", "downgrade", "current"))
    p.add_argument("revision", nargs="?", default=None, help="target (default: head / -1)")
    p.set_defaults(handler=_cmd_db)

    train = sub.add_parser("train", help="train a model Sova ships")
    train.set_defaults(handler=lambda settings, args: _usage(train))
    trainable = train.add_subparsers(dest="model")
    # models.qa.train imports torch only when training starts, so `sova --help` stays instant.
    from models.qa import train as qa_train

    p = trainable.add_parser(
        "qa", help="fine-tune the question-answering reader on SQuAD-format JSON"
    )
    qa_train.add_arguments(p)
    p.set_defaults(handler=_cmd_train_qa)
    return parser


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _setup_logging(settings: Settings, *, quiet: bool) -> None:
    settings.app.data_dir.mkdir(parents=True, exist_ok=True)
    handlers: list[logging.Handler] = [
        logging.FileHandler(settings.app.data_dir / "sova.log", encoding="utf-8")
    ]
    console = logging.StreamHandler(sys.stderr)
    # In a chat the terminal belongs to the conversation; details go to the log file.
    console.setLevel(logging.WARNING if quiet else settings.app.log_level)
    handlers.append(console)
    configure_handlers(handlers, json_lines=settings.ops.json_logs)
    logging.basicConfig(
        level=settings.app.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
        force=True,
    )
    # One line per HTTP request (the web chat polls) would drown everything else.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)


def _cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.launch import run_telegram

    asyncio.run(run_telegram(settings))
    return 0


def _cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from bot.launch import run_demo

    asyncio.run(run_demo(settings))
    return 0


def _cmd_chat(settings: Settings, args: argparse.Namespace) -> int:
    from bot.launch import run_chat

    asyncio.run(run_chat(settings, user_id=args.user_id, wait_s=args.wait))
    return 0


def _cmd_nlu(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build_nlu
    from bot.nlu import IntentCatalog, detect_language
    from bot.nlu.testing import format_report, run_tests
    from bot.plugin_registry import discover_plugin_classes, intent_sources

    classes = discover_plugin_classes(settings.plugins).values()
    engine = build_nlu(settings, IntentCatalog.load(intent_sources(classes)))
    if args.test:
        report = run_tests(engine, [Path(f) for f in args.test])
        print(format_report(report))
        return 0 if report.failed == 0 else 1
    if not args.text:
        print("sova nlu: give a text or --test FILES", file=sys.stderr)
        return 2
    tz = ZoneInfo(args.tz or settings.app.timezone)
    now = datetime.fromisoformat(args.now) if args.now else datetime.now(tz)
    if now.tzinfo is None:
        now = now.replace(tzinfo=tz)
    lang = args.lang or detect_language(args.text, default=settings.app.default_language)
    result = engine.understand(args.text, lang=lang, now=now, tz=tz)
    print(json.dumps(result.to_json(), ensure_ascii=False))
    return 0


def _cmd_train_qa(settings: Settings, args: argparse.Namespace) -> int:
    from models.qa import train as qa_train

    return qa_train.run(args)


def _cmd_db(settings: Settings, args: argparse.Namespace) -> int:
    from bot.storage import Database

    async def run() -> None:
        db = Database(settings.storage.url)
        try:
            if args.action == "upgrade":
                await db.upgrade(args.revision or "head")
            elif args.action == "downgrade":
                await db.downgrade(args.revision or "-1")
            print(f"{db.url_for_logs}: revision {await db.current_revision() or 'none'}")
        finally:
            await db.dispose()

    asyncio.run(run())
    return 0
