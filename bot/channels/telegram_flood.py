"""Inbound flood control: a person sending faster than ``limit`` messages per ``window_s`` is
slowed down, not cut off.

A sliding window per user: a message passes at once while fewer than ``limit`` of theirs
passed in the last ``window_s`` seconds. Beyond that it is held, in order, and passed on as
soon as the window allows (so a flood comes through at exactly the allowed rate); later
messages queue behind held ones so the order stays the same. The first held message of an
episode triggers one polite notice; the episode ends when a message passes without waiting.
Held messages live in memory: ones still held when the channel stops are logged and lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.channels.ratelimit import MONOTONIC, Clock
from bot.events import InboundMessage

log = logging.getLogger(__name__)

FLOOD_NOTICE = {
    "ru": "Вы пишете очень быстро — отвечу по порядку.",
    "en": "You're sending messages very fast — I'll answer them in order.",
}

Forward = Callable[[InboundMessage], Awaitable[None]]

# Idle senders are forgotten once there are this many (memory stays bounded).
_SWEEP_ABOVE = 1000


@dataclass(slots=True)
class _Sender:
    passed: deque[float] = field(default_factory=deque)  # when their recent messages passed
    held: deque[InboundMessage] = field(default_factory=deque)
    releaser: asyncio.Task[None] | None = None
    flooding: bool = False


class FloodGate:
    """Passes messages to ``forward`` at no more than ``limit`` per ``window_s`` per user;
    ``on_flood`` is awaited once per flood episode with the first held message."""

    def __init__(
        self,
        forward: Forward,
        on_flood: Forward,
        *,
        limit: int = 20,
        window_s: float = 60.0,
        clock: Clock = MONOTONIC,
    ) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("flood control needs limit >= 1 and window_s > 0")
        self._forward = forward
        self._on_flood = on_flood
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._senders: dict[int, _Sender] = {}

    def held(self, user_id: int) -> int:
        """How many of this user's messages are waiting."""
        sender = self._senders.get(user_id)
        return len(sender.held) if sender else 0

    async def offer(self, message: InboundMessage) -> None:
        """Pass ``message`` on now, or hold it; returns without waiting for held ones."""
        sender = self._senders.get(message.user_id)
        if sender is None:
            self._sweep()
            sender = self._senders[message.user_id] = _Sender()
        # A releaser still forwarding counts as busy: passing this one now could overtake.
        if sender.releaser is None and self._has_room(sender):
            sender.flooding = False
            sender.passed.append(self._clock.now())
            await self._forward(message)
            return
        sender.held.append(message)
        if sender.releaser is None:
            sender.releaser = asyncio.create_task(self._release(sender))
        if not sender.flooding:
            sender.flooding = True
            try:
                await self._on_flood(message)
            except Exception:
                # The notice is a courtesy: failing to send it must not lose the message.
                log.exception("flood notice to chat %s failed", message.chat_id)

    async def flush(self) -> None:
        """Stop pacing and pass every held message on now, in order per user (on shutdown:
        the bus is still draining, so they are answered instead of lost)."""
        for sender in list(self._senders.values()):
            if sender.releaser is not None:
                sender.releaser.cancel()
                await asyncio.gather(sender.releaser, return_exceptions=True)
                sender.releaser = None
            while sender.held:
                message = sender.held.popleft()
                try:
                    await self._forward(message)
                except Exception:
                    log.exception("passing on held message of chat %s failed", message.chat_id)

    async def close(self) -> None:
        """Stop releasing; messages still held are dropped (and logged)."""
        tasks = [s.releaser for s in self._senders.values() if s.releaser is not None]
        dropped = sum(len(s.held) for s in self._senders.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if dropped:
            log.warning("flood control stopped with %d held messages; they are lost", dropped)
        self._senders.clear()

    async def _release(self, sender: _Sender) -> None:
        try:
            while sender.held:
                if not self._has_room(sender):
                    await self._clock.sleep(sender.passed[0] + self.window_s - self._clock.now())
                    continue
                message = sender.held.popleft()
                sender.passed.append(self._clock.now())
                try:
                    await self._forward(message)
                except Exception:
                    log.exception(
                        "passing on held message %s of chat %s failed",
                        message.external_update_id,
                        message.chat_id,
                    )
        finally:
            sender.releaser = None

    def _has_room(self, sender: _Sender) -> bool:
        # The epsilon: after sleeping until a message leaves the window, float rounding may
        # leave ``now`` a hair short of that moment; it must leave then, not never.
        horizon = self._clock.now() - self.window_s + 1e-9
        while sender.passed and sender.passed[0] <= horizon:
            sender.passed.popleft()
        return len(sender.passed) < self.limit

    def _sweep(self) -> None:
        if len(self._senders) < _SWEEP_ABOVE:
            return
        for user_id, sender in list(self._senders.items()):
            idle = sender.releaser is None and not sender.held and self._has_room(sender)
            if idle and not sender.passed:
                del self._senders[user_id]
