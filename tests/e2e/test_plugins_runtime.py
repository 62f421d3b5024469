"""Plugins can be switched off and on while Sova runs; help follows."""

from __future__ import annotations

from bot.config import Settings
from tests.e2e.harness import running_sova


async def test_disable_and_enable_a_plugin_at_runtime(settings: Settings) -> None:
    async with running_sova(settings) as chat:
        registry = chat.app.registry
        assert registry is not None
        registry.disable("reminders")
        answer = await chat.say("remind me in 10 minutes to stretch")
        assert "switched off" in answer or "didn't understand" in answer
        assert "Reminders and timers" not in await chat.say("/help")
        assert "I don't know the command /reminders" in await chat.say("/reminders")
        registry.enable("reminders")
        assert "OK, I'll remind you" in await chat.say("remind me in 10 minutes to stretch")
        assert "Reminders and timers" in await chat.say("/help")
