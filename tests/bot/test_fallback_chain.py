"""The fallback chain: lowest priority first; ``False`` passes the message on."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest

from bot.config import load_settings
from bot.events import InboundMessage, OutboundReply
from bot.i18n import Translations
from bot.nlu import NluResult
from bot.pipeline import Pipeline, Turn
from bot.plugin_registry import PluginRegistry
from bot.plugins import DEFAULT_FALLBACK_PRIORITY, Context, Plugin, PluginRuntime, fallback
from bot.storage import UserRecord

BOT_LOCALES = Path(__file__).resolve().parents[2] / "bot" / "locales"


class CatchAll(Plugin):
    """Like smalltalk: answers everything, default priority, returns None."""

    name = "catch_all"

    @fallback()
    async def not_understood(self, ctx: Context) -> None:
        await ctx.reply("did you mean ...?")


class Specialist(Plugin):
    """Like qa: answers only what it knows, before the catch-all."""

    name = "specialist"
    known = "what is sova"

    @fallback(priority=50)
    async def answer_if_known(self, ctx: Context) -> bool:
        if ctx.message.text != self.known:
            return False
        await ctx.reply("a chat assistant")
        return True


class Declines(Plugin):
    name = "declines"

    @fallback(priority=10)
    async def decline(self, ctx: Context) -> bool:
        return False


def _plugins(*classes: type[Plugin]) -> list[Plugin]:
    runtime = cast(PluginRuntime, object())
    return [cls(runtime, cls.config_model()) for cls in classes]


def test_fallbacks_are_ordered_by_priority_then_plugin_order() -> None:
    registry = PluginRegistry(_plugins(CatchAll, Specialist, Declines))
    assert [r.plugin.name for r in registry.fallbacks()] == ["declines", "specialist", "catch_all"]
    assert [r.priority for r in registry.fallbacks()] == [10, 50, DEFAULT_FALLBACK_PRIORITY]


def test_a_disabled_plugin_leaves_the_chain() -> None:
    registry = PluginRegistry(_plugins(CatchAll, Specialist))
    registry.disable("specialist")
    assert [r.plugin.name for r in registry.fallbacks()] == ["catch_all"]


class _Sent:
    def __init__(self) -> None:
        self.replies: list[OutboundReply] = []

    async def __call__(self, reply: OutboundReply) -> int:
        self.replies.append(reply)
        return len(self.replies)

    @property
    def texts(self) -> list[str]:
        return [r.text for r in self.replies]


class _Runtime:
    def __init__(self, send: _Sent) -> None:
        self.send = send


def _pipeline(classes: tuple[type[Plugin], ...], sent: _Sent) -> Pipeline:
    runtime = cast(PluginRuntime, _Runtime(sent))
    registry = PluginRegistry([cls(runtime, cls.config_model()) for cls in classes])
    unused: Any = None  # stages the fallback never touches
    return Pipeline(
        settings=load_settings(None, env={}),
        registry=registry,
        engine=unused,
        dialogue=unused,
        interactions=unused,
        users=unused,
        states=unused,
        audit=unused,
        send=sent,
        publish=unused,
        texts=Translations.load(BOT_LOCALES),
    )


async def _fall_back(pipeline: Pipeline, text: str) -> Turn:
    message = InboundMessage(chat_id=1, user_id=1, channel="test", text=text)
    turn = Turn(message, lang="en")
    nlu = NluResult(text, "en", None, 0.1, {}, "fallback")
    user = UserRecord(id=1, lang="en", timezone=None, role="user")
    tz = ZoneInfo("UTC")
    await pipeline._fallback(turn, user, nlu, tz, datetime.now(UTC))
    return turn


@pytest.mark.parametrize(
    ("text", "answer", "plugin"),
    [
        ("what is sova", "a chat assistant", "specialist"),
        ("something else", "did you mean ...?", "catch_all"),
    ],
)
async def test_the_first_handler_that_does_not_decline_answers(
    text: str, answer: str, plugin: str
) -> None:
    sent = _Sent()
    turn = await _fall_back(_pipeline((CatchAll, Specialist, Declines), sent), text)
    assert sent.texts == [answer]
    assert turn.plugin == plugin


async def test_when_every_handler_declines_the_runtime_answers() -> None:
    sent = _Sent()
    turn = await _fall_back(_pipeline((Specialist, Declines), sent), "something else")
    assert len(sent.texts) == 1 and "understand" in sent.texts[0]
    assert turn.plugin is None


async def test_none_counts_as_handled_so_old_fallbacks_keep_working() -> None:
    sent = _Sent()
    await _fall_back(_pipeline((CatchAll,), sent), "anything")
    assert sent.texts == ["did you mean ...?"]
