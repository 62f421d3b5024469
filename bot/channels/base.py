"""The small protocol every channel implements (terminal, Telegram, emulator, tests)."""

from __future__ import annotations

from typing import Protocol

from bot.events import Event, InboundMessage, OutboundReply


class ChannelHost(Protocol):
    """What a channel may ask of the running app."""

    async def submit(self, message: InboundMessage) -> None:
        """Hand an inbound message to the bus (waits when the bus is full)."""
        ...


class Channel(Protocol):
    name: str

    async def start(self, host: ChannelHost) -> None:
        """Begin receiving; called after the bus and plugins are running."""
        ...

    async def stop_receiving(self) -> None:
        """Take no new messages (hand on any the channel holds); replies still go out.
        Called before the bus drains, so nothing received is lost at shutdown."""
        ...

    async def stop(self) -> None: ...

    async def deliver(self, reply: OutboundReply) -> str | None:
        """Send one reply; return the channel's message id if it has one. Raise on failure."""
        ...

    async def notify(self, event: Event) -> None:
        """Observe other events addressed to this channel (e.g. ``TurnCompleted``)."""
        ...
