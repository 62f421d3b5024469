"""Chat with Sova in a terminal (``sova chat``).

Interactive on a TTY: a prompt, replies printed as they arrive (a reminder can interrupt).
Scripted when stdin is not a TTY: one message per line; after each line the channel waits
until that message's turn is complete and all its replies are printed, so
``printf 'hi\\nremind me in 2 minutes to stretch\\n' | sova chat`` prints answers in order.
"""

from __future__ import annotations

import asyncio
import getpass
import os
import sys
from dataclasses import dataclass, field
from typing import TextIO

from bot.channels.base import ChannelHost
from bot.events import Event, InboundMessage, MessageKind, OutboundReply, TurnCompleted

CHANNEL_NAME = "terminal"
PROMPT = "you> "


@dataclass(slots=True)
class _PendingTurn:
    replies_seen: int = 0
    expected: int | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def check(self) -> None:
        if self.expected is not None and self.replies_seen >= self.expected:
            self.done.set()


class TerminalChannel:
    name = CHANNEL_NAME

    def __init__(
        self,
        *,
        user_id: int = 1,
        chat_id: int | None = None,
        output: TextIO | None = None,
        interactive: bool | None = None,
        turn_timeout_s: float = 120.0,
    ) -> None:
        self.user_id = user_id
        self.chat_id = chat_id if chat_id is not None else user_id
        self.output = output or sys.stdout
        self.interactive = sys.stdin.isatty() if interactive is None else interactive
        self.turn_timeout_s = turn_timeout_s
        self._host: ChannelHost | None = None
        self._pending: dict[str, _PendingTurn] = {}
        self._username = _current_user()
        self._at_prompt = False  # the prompt is on screen, waiting for the user's line

    async def start(self, host: ChannelHost) -> None:
        self._host = host

    async def stop_receiving(self) -> None:
        """Nothing to do: the terminal submits each line itself and waits for its turn."""

    async def stop(self) -> None:
        self._host = None

    async def deliver(self, reply: OutboundReply) -> str | None:
        self._print_reply(reply)
        pending = self._pending.get(reply.trace_id)
        if pending is not None:
            pending.replies_seen += 1
            pending.check()
        return None

    async def notify(self, event: Event) -> None:
        if isinstance(event, TurnCompleted):
            pending = self._pending.get(event.trace_id)
            if pending is not None:
                pending.expected = event.replies
                pending.check()

    async def say(self, text: str) -> None:
        """Send one line as the terminal user and wait until its turn is complete."""
        if self._host is None:
            raise RuntimeError("the terminal channel is not started")
        message = InboundMessage(
            chat_id=self.chat_id,
            user_id=self.user_id,
            channel=CHANNEL_NAME,
            kind=MessageKind.COMMAND if text.startswith("/") else MessageKind.TEXT,
            text=text,
            username=self._username,
            display_name=self._username,
        )
        pending = self._pending[message.trace_id] = _PendingTurn()
        try:
            await self._host.submit(message)
            await asyncio.wait_for(pending.done.wait(), self.turn_timeout_s)
        finally:
            del self._pending[message.trace_id]

    async def run(self, stdin: TextIO | None = None) -> None:
        """Read messages until end of input (or "/quit")."""
        stream = stdin or sys.stdin
        loop = asyncio.get_running_loop()
        if self.interactive:
            self._write("Sova is listening. Type a message; Ctrl-D or /quit to leave.\n")
        while True:
            if self.interactive:
                self._write(PROMPT)
            self._at_prompt = True
            line = await loop.run_in_executor(None, stream.readline)
            self._at_prompt = False
            if not line:
                break
            text = line.rstrip("\n")
            if text.strip() in ("/quit", "/exit"):
                break
            if not text.strip() and self.interactive:
                continue
            await self.say(text)

    def _print_reply(self, reply: OutboundReply) -> None:
        lines = [reply.text] if reply.text else []
        if reply.file_path:
            lines.append(f"[{reply.kind}: {reply.file_path}]")
        for row in reply.buttons:
            lines.append("  " + "  ".join(f"[{b.text}]" for b in row))
        prefix = "sova> " if self.interactive else ""
        body = "\n".join(lines)
        if self.interactive and self._at_prompt:
            # A reply arrived while the prompt was shown (a reminder): print it on its own
            # line and show the prompt again.
            self._write(f"\r{prefix}{body}\n{PROMPT}")
        elif self.interactive:
            self._write(f"{prefix}{body}\n")
        else:
            self._write(f"{prefix}{body}\n")

    def _write(self, text: str) -> None:
        self.output.write(text)
        self.output.flush()


def _current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "you")
