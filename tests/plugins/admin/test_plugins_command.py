"""/plugins: list, switch reminders off and on again, reload, and never switch admin off."""

from __future__ import annotations

from bot.config import Settings
from tests.e2e.harness import running_sova
from tests.plugins.admin.helpers import ADMIN, actions, press

REMIND = "remind me in 10 minutes to stretch"


async def test_disable_and_enable_reminders(settings: Settings) -> None:
    async with running_sova(settings, user_id=ADMIN) as chat:
        listing = await chat.say("/plugins")
        assert "✅ reminders — Reminders and timers" in listing
        assert "[Turn off reminders]" in listing and "Turn off admin" not in listing

        assert "Plugin reminders is off" in await chat.say("/plugins disable reminders")
        answer = await chat.say(REMIND)
        assert "switched off" in answer or "didn't understand" in answer
        assert "I don't know the command /reminders" in await chat.say("/reminders")
        assert "⛔ reminders — Reminders and timers (off)" in await chat.say("/plugins")

        assert "Plugin reminders is on again" in await chat.say("/plugins enable reminders")
        assert "OK, I'll remind you" in await chat.say(REMIND)

        assert "can't switch itself off" in await chat.say("/plugins disable admin")
        assert 'There is no plugin "nosuch"' in await chat.say("/plugins enable nosuch")
        assert "Usage: /plugins" in await chat.say("/plugins frobnicate reminders")
        audit = await actions(chat.app.db, ["plugins."])
    assert audit == [("plugins.disable", "reminders"), ("plugins.enable", "reminders")]


async def test_toggle_button_and_reload(settings: Settings) -> None:
    async with running_sova(settings, user_id=ADMIN) as chat:
        registry = chat.app.plugin_registry()
        await press(chat, "admin.toggle:reminders")
        await chat.wait_for("Plugin reminders is off")
        await chat.wait_for("[Turn on reminders]")  # the list again, with the other button
        assert not registry.is_enabled("reminders")
        await press(chat, "admin.toggle:reminders")
        await chat.wait_for("Plugin reminders is on again")
        assert registry.is_enabled("reminders")

        reminders = registry.plugins["reminders"]
        store_before = reminders.store  # type: ignore[attr-defined]
        answer = await chat.say("/plugins reload reminders")
        assert "Plugin reminders reloaded" in answer and "Not reloaded: its code" in answer
        assert reminders.store is not store_before  # type: ignore[attr-defined]  # setup ran
        assert registry.is_enabled("reminders")
        assert "OK, I'll remind you" in await chat.say(REMIND)
        audit = await actions(chat.app.db, ["plugins."])
    assert audit == [
        ("plugins.disable", "reminders"),
        ("plugins.enable", "reminders"),
        ("plugins.reload", "reminders"),
    ]
