"""Admin commands and buttons are refused to everyone else, and each attempt is audited."""

from __future__ import annotations

import pytest

from bot.config import Settings
from tests.e2e.harness import running_sova
from tests.plugins.admin.helpers import audit_rows, press

USER = 7

COMMANDS = [
    "/stats",
    "/plugins",
    "/plugins disable reminders",
    "/users find root",
    "/users ban 99",
    "/broadcast hello everyone",
    "/jobs",
    "/export",
    "/health",
    "/audit",
]


@pytest.mark.parametrize("text", COMMANDS)
async def test_admin_command_is_refused_to_a_user(settings: Settings, text: str) -> None:
    async with running_sova(settings, user_id=USER) as chat:
        answer = await chat.say(text)
        registry = chat.app.plugin_registry()
        assert registry.is_enabled("reminders")
        rows = await audit_rows(chat.app.db)
    name = text.split(maxsplit=1)[0]
    assert f"{name} is for administrators only" in answer
    assert rows == [(USER, "command.denied", name)]


@pytest.mark.parametrize(
    "data", ["admin.bc_send:1", "admin.bc_cancel:1", "admin.toggle:reminders"]
)
async def test_admin_button_is_refused_to_a_user(settings: Settings, data: str) -> None:
    async with running_sova(settings, user_id=USER) as chat:
        await press(chat, data, user_id=USER)
        await chat.wait_for("for administrators only")
        assert chat.app.plugin_registry().is_enabled("reminders")
        rows = await audit_rows(chat.app.db)
    assert rows == [(USER, "button.denied", data.split(":", maxsplit=1)[0])]
