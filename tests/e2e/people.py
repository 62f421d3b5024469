"""People in the local Bot API emulator: each sends what a Telegram user would (text, files,
button presses) through the real aiogram path and waits for the bot's answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.channels.emulator import EmulatorServer

Message = dict[str, Any]
Match = str | Callable[[Message], bool]
"""What an awaited message must hold: a piece of its text or caption, or any test."""


def text_of(message: Message) -> str:
    """A message's text, or a media message's caption."""
    return str(message.get("text") or message.get("caption") or "")


def buttons_of(message: Message) -> dict[str, str]:
    """A message's inline buttons, label → callback data, in the order shown."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in rows for button in row}


class Person:
    """One simulated user; each step waits for the bot's next message that matches."""

    def __init__(self, emulator: EmulatorServer, user_id: int, *, within: float = 20.0) -> None:
        self.emulator = emulator
        self.user_id = user_id
        self.within = within

    def last(self) -> int:
        """The id of the newest message the bot has sent this person (0: none yet)."""
        messages = self.emulator.bot_messages(self.user_id)
        return int(messages[-1]["message_id"]) if messages else 0

    async def expect(self, match: Match, after: int, within: float | None = None) -> Message:
        """The first message after ``after`` that matches; fails after ``within`` seconds."""
        test = (lambda m: match in text_of(m)) if isinstance(match, str) else match
        return await self.emulator.wait_for_bot_message(
            self.user_id, test, timeout=within or self.within, after_message_id=after
        )

    async def says(self, words: str, match: Match = "", within: float | None = None) -> Message:
        after = self.last()
        self.emulator.user_sends_text(self.user_id, words)
        return await self.expect(match, after, within)

    async def sends_file(
        self, data: bytes, name: str, match: Match, *, caption: str = "",
        within: float | None = None,
    ) -> Message:  # fmt: skip
        after = self.last()
        self.emulator.user_sends_document(self.user_id, data, name, caption=caption)
        return await self.expect(match, after, within)

    async def presses(
        self, message: Message, label: str, match: Match = "", within: float | None = None
    ) -> Message:
        after = self.last()
        self.emulator.user_presses_button(
            self.user_id, message["message_id"], buttons_of(message)[label]
        )
        return await self.expect(match, after, within)
