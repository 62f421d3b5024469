"""Inline buttons: a press reaches the plugin's @button handler; admin buttons are guarded."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.events import InboundMessage, MessageKind
from bot.storage import AuditRow
from tests.e2e.harness import Chat, make_settings, running_sova


def _press(chat: Chat, data: str) -> InboundMessage:
    return InboundMessage(
        chat_id=7, user_id=7, channel="terminal", kind=MessageKind.CALLBACK, callback_data=data
    )


async def test_button_press_reaches_its_handler(tmp_path: Path, nlu_cache: Path) -> None:
    settings = make_settings(
        tmp_path,
        db_url=f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}",
        nlu_cache=nlu_cache,
        plugins=("smalltalk", "tests.e2e.fixtures.faulty_plugin"),
    )
    async with running_sova(settings) as chat:
        offer = await chat.say("/choose")
        assert "[Red]  [Nuke]" in offer
        await chat.app.submit(_press(chat, "faulty.picked:red"))
        await chat.wait_for("you picked red")
        await chat.app.submit(_press(chat, "faulty.nuke:all"))
        await chat.wait_for("for administrators only")
        await chat.app.submit(_press(chat, "gone.plugin:x"))
        await chat.wait_for("This button no longer works")
        async with chat.app.db.session() as session:
            audit = list(await session.scalars(select(AuditRow)))
    assert "nuked" not in chat.output.getvalue()
    assert [(a.action, a.target) for a in audit] == [("button.denied", "faulty.nuke")]
