"""``bot.experiments``: the runtime's experiment slot, and ``Context.variant`` on top of it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast
from zoneinfo import ZoneInfo

import pytest

from bot.events import InboundMessage
from bot.experiments import Experiments
from bot.plugins import Context, Plugin, PluginRuntime
from bot.storage import UserRecord


@dataclass
class FixedService:
    """Every parameter it knows gets the same variant; records who asked for what."""

    variants: dict[str, str]
    calls: list[tuple[str, int, str]] = field(default_factory=list)

    async def variant(self, parameter: str, user_id: int, default: str) -> str:
        self.calls.append((parameter, user_id, default))
        return self.variants.get(parameter, default)


class BrokenService:
    async def variant(self, parameter: str, user_id: int, default: str) -> str:
        raise RuntimeError("store down")


async def test_without_a_service_every_parameter_has_its_default() -> None:
    experiments = Experiments()
    assert experiments.service is None
    assert await experiments.variant("voice.reply_mode", 7, "text") == "text"


async def test_a_registered_service_decides_and_sees_the_user() -> None:
    experiments = Experiments()
    service = FixedService({"voice.reply_mode": "voice"})
    experiments.register(service)
    assert await experiments.variant("voice.reply_mode", 7, "text") == "voice"
    assert await experiments.variant("other.param", 8, "a") == "a"
    assert service.calls == [("voice.reply_mode", 7, "text"), ("other.param", 8, "a")]


async def test_a_failing_service_falls_back_to_the_default(
    caplog: pytest.LogCaptureFixture,
) -> None:
    experiments = Experiments()
    experiments.register(BrokenService())
    with caplog.at_level(logging.ERROR, logger="bot.experiments"):
        assert await experiments.variant("voice.reply_mode", 7, "text") == "text"
    assert "voice.reply_mode" in caplog.text


async def test_one_service_at_a_time_and_unregister_only_removes_its_own() -> None:
    experiments = Experiments()
    first, second = FixedService({}), FixedService({})
    experiments.register(first)
    experiments.register(first)  # the same one again (a plugin reload) is fine
    with pytest.raises(RuntimeError, match="already registered"):
        experiments.register(second)
    experiments.unregister(second)
    assert experiments.service is first
    experiments.unregister(first)
    assert experiments.service is None
    experiments.register(second)
    assert experiments.service is second


class _Runtime:
    def __init__(self, experiments: Experiments) -> None:
        self.experiments = experiments


class Reader(Plugin):
    name = "reader"


async def test_context_variant_asks_for_the_current_user() -> None:
    experiments = Experiments()
    service = FixedService({"reader.style": "bold"})
    experiments.register(service)
    plugin = Reader(cast(PluginRuntime, _Runtime(experiments)), Reader.config_model())
    message = InboundMessage(chat_id=42, user_id=4242, channel="terminal", text="hi")
    ctx = Context(
        plugin=plugin,
        message=message,
        user=UserRecord(id=4242, lang="en", timezone=None, role="user"),
        lang="en",
        tz=ZoneInfo("UTC"),
        now=datetime.now(UTC),
    )
    assert await ctx.variant("reader.style", "plain") == "bold"
    assert await ctx.variant("reader.size", "12") == "12"
    assert service.calls == [("reader.style", 4242, "plain"), ("reader.size", 4242, "12")]
