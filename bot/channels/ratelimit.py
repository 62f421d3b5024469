"""Outgoing rate limits: token buckets per chat and per group chat, a sliding window for the
whole bot, all asynchronous, fair across chats and keeping the order within a chat.

Telegram's limits for a bot (Bots FAQ, "My bot is hitting limits"): about 30 messages per
second overall, about one message per second in one chat ("short bursts that go over this
limit" are tolerated, then 429s start), and 20 messages per minute in one group chat.

How they are enforced (a token bucket of capacity ``C`` refilled at ``r``/s lets through at
most ``C + r·T`` sends in any window of ``T`` seconds):

- **per chat**: a bucket of capacity 3 refilled at 1/s. A multi-part answer (a long text in
  three messages, a photo with a long caption) goes out at once instead of trickling at one
  part a second — the short burst Telegram tolerates — and the steady rate stays 1/s.
- **per group chat**, in addition: capacity 3 refilled at (20 − 3)/min, so no window of one
  minute ever holds more than 20, bursts included.
- **whole bot**: at most 30 sends in any one-second window (a sliding window).

The limits hold *as Telegram sees them*, not only as we send: a request reaches the server
some time between its start and its answer, so network jitter could squeeze two sends closer
together on arrival than they left. Hence a chat's buckets earn no refill while one of its
sends is in flight (the next one is spaced from the previous *answer*), and the sliding
window counts a send from its start until one window after its answer.

Fairness and order: a sender first takes its chat's *turn* (a FIFO lock per chat, held for
the whole reply including retries, so replies to one chat never overtake each other), then
waits for the chat's token(s), and last for a place in the global window. A chat holds at
most one place in the global FIFO queue, so a saturated bot serves chats round-robin: a chat
with 100 queued replies cannot starve one with a single reply.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

# Per-chat state is dropped once idle and refilled; kept only while there are many chats.
_SWEEP_ABOVE = 1000


class Clock(Protocol):
    """Time source for the limiters; tests pass a virtual clock."""

    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class MonotonicClock:
    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


MONOTONIC = MonotonicClock()


class TokenBucket:
    """``capacity`` tokens, refilled at ``rate`` per second; waiters are served in FIFO order."""

    def __init__(self, rate: float, capacity: float, clock: Clock = MONOTONIC) -> None:
        if rate <= 0 or capacity < 1:
            raise ValueError("a token bucket needs rate > 0 and capacity >= 1")
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._tokens = capacity
        self._updated = clock.now()
        # asyncio.Lock wakes waiters in arrival order: that is the FIFO (and the fairness).
        self._lock = asyncio.Lock()

    async def acquire(self) -> float:
        """Take one token, waiting until there is one; returns the seconds waited."""
        async with self._lock:
            waited = 0.0
            self._refill()
            # A small epsilon: float refills can land a hair below a whole token.
            while self._tokens < 1 - 1e-9:
                delay = (1 - self._tokens) / self.rate
                await self._clock.sleep(delay)
                waited += delay
                self._refill()
            self._tokens -= 1
            return waited

    def restart_refill(self) -> None:
        """Forget the refill earned since the last update (time a send spent in flight)."""
        self._updated = self._clock.now()

    def is_idle(self) -> bool:
        """Full again and nobody waiting: forgetting it changes nothing."""
        self._refill()
        return not self._lock.locked() and self._tokens >= self.capacity

    def _refill(self) -> None:
        now = self._clock.now()
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
        self._updated = now


class SlidingWindow:
    """At most ``limit`` sends in any ``window_s``, counting each from its start until
    ``window_s`` after it finished; waiters are served in FIFO order."""

    def __init__(self, limit: int, window_s: float, clock: Clock = MONOTONIC) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("a sliding window needs limit >= 1 and window_s > 0")
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._finished: deque[float] = deque()  # finish times, ascending (the clock is)
        self._in_flight = 0
        self._finish = asyncio.Event()
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait for room, then hold it while the body (one send) runs."""
        async with self._lock:
            while True:
                now = self._clock.now()
                # The epsilon: after sleeping until a send expires, float rounding may leave
                # ``now`` a hair short of that moment; it must expire then, not never.
                while self._finished and self._finished[0] + self.window_s <= now + 1e-9:
                    self._finished.popleft()
                if self._in_flight + len(self._finished) < self.limit:
                    break
                if self._finished:
                    await self._clock.sleep(self._finished[0] + self.window_s - now)
                else:  # all in flight: room comes one window after the first finishes
                    self._finish.clear()
                    await self._finish.wait()
            self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1
            self._finished.append(self._clock.now())
            self._finish.set()


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Outgoing limits; the defaults are Telegram's (see the module docstring)."""

    global_per_s: int = 30
    chat_per_s: float = 1.0
    chat_burst: int = 3
    group_per_min: float = 20.0
    group_burst: int = 3

    def __post_init__(self) -> None:
        if self.group_burst >= self.group_per_min:
            raise ValueError("group_burst must be below group_per_min")


@dataclass(slots=True)
class _ChatState:
    lock: asyncio.Lock
    buckets: tuple[TokenBucket, ...]  # the chat's, and the group's for a group chat
    users: int = 0


class ChatTurn:
    """One sender's exclusive turn in a chat; ``slot()`` spans one send under all limits."""

    def __init__(self, limiter: OutgoingLimiter, state: _ChatState) -> None:
        self._limiter = limiter
        self._state = state

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait until one send is allowed; the body is that send."""
        for bucket in self._state.buckets:
            await bucket.acquire()
        # The global window last, so a global place is never held while a chat token is due.
        try:
            async with self._limiter.global_window.slot():
                yield
        finally:
            for bucket in self._state.buckets:
                bucket.restart_refill()


class OutgoingLimiter:
    """Telegram's outgoing limits for every chat and the bot; see the module docstring."""

    def __init__(self, limits: RateLimits | None = None, clock: Clock = MONOTONIC) -> None:
        self.limits = limits or RateLimits()
        self._clock = clock
        self.global_window = SlidingWindow(self.limits.global_per_s, 1.0, clock)
        self._chats: dict[int, _ChatState] = {}

    @asynccontextmanager
    async def turn(self, chat_id: int, *, group: bool) -> AsyncIterator[ChatTurn]:
        """Exclusive, first-come-first-served access to ``chat_id`` for one whole reply."""
        state = self._chats.get(chat_id)
        if state is None:
            self._sweep()
            state = self._chats[chat_id] = self._new_state(group)
        state.users += 1
        try:
            async with state.lock:
                yield ChatTurn(self, state)
        finally:
            state.users -= 1

    def _new_state(self, group: bool) -> _ChatState:
        limits = self.limits
        buckets = [TokenBucket(limits.chat_per_s, limits.chat_burst, self._clock)]
        if group:
            rate = (limits.group_per_min - limits.group_burst) / 60.0
            buckets.append(TokenBucket(rate, limits.group_burst, self._clock))
        return _ChatState(lock=asyncio.Lock(), buckets=tuple(buckets))

    def _sweep(self) -> None:
        if len(self._chats) < _SWEEP_ABOVE:
            return
        for chat_id, state in list(self._chats.items()):
            if state.users == 0 and all(bucket.is_idle() for bucket in state.buckets):
                del self._chats[chat_id]
