"""Outgoing rate limits: token buckets, per-chat order and fairness, Telegram's limits.

Most tests run on ``VirtualClock``: time only moves when every task is waiting, straight to
the next wake-up, so "30 messages take a second" is checked exactly and instantly.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
import time
from collections.abc import AsyncIterator

import pytest

from bot.channels.ratelimit import OutgoingLimiter, RateLimits, TokenBucket


class VirtualClock:
    """A clock for ``Clock`` users whose ``sleep`` returns in virtual time.

    A ticker task advances time to the earliest pending wake-up once the event loop has gone
    quiet (every task blocked), so tests of timing are exact and take no real time. Use only
    with code that waits on this clock (no real I/O).
    """

    def __init__(self) -> None:
        self.t = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._ticker: asyncio.Task[None] | None = None

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.t + seconds, next(self._seq), future))
        await future

    def start(self) -> None:
        self._ticker = asyncio.create_task(self._tick())

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            await asyncio.gather(self._ticker, return_exceptions=True)

    async def _tick(self) -> None:
        while True:
            for _ in range(50):  # let every runnable task run until it blocks
                await asyncio.sleep(0)
            while self._sleepers:
                deadline, _, future = heapq.heappop(self._sleepers)
                if future.done():
                    continue  # its sleeper was cancelled
                self.t = max(self.t, deadline)
                future.set_result(None)
                break


@pytest.fixture
async def clock() -> AsyncIterator[VirtualClock]:
    virtual = VirtualClock()
    virtual.start()
    yield virtual
    await virtual.stop()


async def send_all(
    limiter: OutgoingLimiter,
    clock: VirtualClock,
    sends: list[tuple[int, str]],
    *,
    max_latency: float = 0.0,
    seed: int = 0,
) -> list[tuple[float, int, str]]:
    """Start one sender per (chat, label) in list order; returns (time, chat, label) of the
    moment each send reached the "server": a random part of ``max_latency`` after it left,
    the rest of it before its answer came back."""
    sent: list[tuple[float, int, str]] = []
    rng = random.Random(seed)

    async def one(chat_id: int, label: str) -> None:
        async with limiter.turn(chat_id, group=chat_id < 0) as turn, turn.slot():
            await clock.sleep(rng.uniform(0, max_latency))
            sent.append((clock.now(), chat_id, label))
            await clock.sleep(rng.uniform(0, max_latency))

    tasks = []
    for chat_id, label in sends:
        tasks.append(asyncio.create_task(one(chat_id, label)))
        await asyncio.sleep(0)  # queue them in this order
    await asyncio.gather(*tasks)
    return sent


def max_in_window(times: list[float], window: float) -> int:
    """The most events in any half-open window [t, t + window)."""
    times = sorted(times)
    return max(sum(1 for u in times if t <= u < t + window - 1e-9) for t in times)


async def test_bucket_allows_burst_then_rate(clock: VirtualClock) -> None:
    bucket = TokenBucket(rate=2.0, capacity=3, clock=clock)
    times = []
    for _ in range(7):
        await bucket.acquire()
        times.append(clock.now())
    assert times == pytest.approx([0, 0, 0, 0.5, 1.0, 1.5, 2.0])


async def test_bucket_refills_while_idle(clock: VirtualClock) -> None:
    bucket = TokenBucket(rate=1.0, capacity=2, clock=clock)
    await bucket.acquire()
    await bucket.acquire()
    await clock.sleep(5)
    assert bucket.is_idle()
    assert await bucket.acquire() == 0


def test_bucket_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        TokenBucket(rate=0, capacity=1)
    with pytest.raises(ValueError):
        RateLimits(group_per_min=3, group_burst=3)


async def test_one_chat_gets_a_burst_of_three_then_one_per_second(clock: VirtualClock) -> None:
    limiter = OutgoingLimiter(clock=clock)
    sent = await send_all(limiter, clock, [(5, str(i)) for i in range(10)])
    times = [t for t, _, _ in sent]
    assert times == pytest.approx([0, 0, 0, 1, 2, 3, 4, 5, 6, 7])
    # Never more than burst + rate·T in a window of T seconds.
    assert max_in_window(times, 1.0) <= 3
    assert max_in_window(times, 5.0) <= 3 + 5


@pytest.mark.parametrize("seed", range(5))
async def test_limits_hold_as_the_server_sees_them(clock: VirtualClock, seed: int) -> None:
    # Requests take 0-0.6 s and reach the server at a random point of that: arrivals can
    # bunch up closer than the sends left, and the limits must still hold on arrival.
    limiter = OutgoingLimiter(clock=clock)
    group = -100500
    sends = [(chat, f"{chat}-{n}") for n in range(4) for chat in [*range(1, 40), group]]
    sent = await send_all(limiter, clock, sends, max_latency=0.3, seed=seed)
    assert len(sent) == len(sends)
    assert max_in_window([t for t, _, _ in sent], 1.0) <= 30
    for chat in (1, 17, group):
        times = [t for t, c, _ in sent if c == chat]
        for window in (1.0, 2.0, 3.0):
            assert max_in_window(times, window) <= 3 + window


async def test_order_within_a_chat_is_kept(clock: VirtualClock) -> None:
    limiter = OutgoingLimiter(clock=clock)
    sent = await send_all(limiter, clock, [(7, f"m{i}") for i in range(8)])
    assert [label for _, _, label in sent] == [f"m{i}" for i in range(8)]


async def test_whole_bot_stays_under_30_per_second(clock: VirtualClock) -> None:
    limiter = OutgoingLimiter(clock=clock)
    # 100 chats, 2 messages each: 200 messages that the per-chat limits alone would allow
    # at once.
    sends = [(chat, f"{chat}-{n}") for n in range(2) for chat in range(1, 101)]
    sent = await send_all(limiter, clock, sends)
    times = [t for t, _, _ in sent]
    assert len(sent) == 200
    assert max_in_window(times, 1.0) <= 30
    assert max(times) == pytest.approx(6.0)  # 30 a second, and no slower than needed


async def test_group_chat_stays_under_20_per_minute(clock: VirtualClock) -> None:
    limiter = OutgoingLimiter(clock=clock)
    group = -100123
    sent = await send_all(limiter, clock, [(group, str(i)) for i in range(45)])
    times = [t for t, _, _ in sent]
    assert times[:3] == [0, 0, 0]  # a multi-part answer goes out at once
    assert max_in_window(times, 60.0) <= 20
    assert max_in_window(times, 1.0) <= 3


async def test_busy_chat_does_not_starve_the_others(clock: VirtualClock) -> None:
    # A global rate of 2/s and 10 replies queued for chat 1 before chats 2 and 3 ask once.
    limits = RateLimits(global_per_s=2, chat_per_s=100, chat_burst=100)
    limiter = OutgoingLimiter(limits, clock=clock)
    sends = [(1, f"a{i}") for i in range(10)] + [(2, "b"), (3, "c")]
    sent = await send_all(limiter, clock, sends)
    position = {label: i for i, (_, _, label) in enumerate(sent)}
    # Chat 1 holds one place in the global queue at a time: once the window is full, b and c
    # are served right after chat 1's waiting reply, not after all ten of chat 1's.
    assert position["b"] <= 4
    assert position["c"] <= 4
    assert [label for _, chat, label in sent if chat == 1] == [f"a{i}" for i in range(10)]


async def test_a_turn_holds_the_chat_for_the_whole_reply(clock: VirtualClock) -> None:
    limiter = OutgoingLimiter(clock=clock)
    log: list[str] = []

    async def reply(name: str, parts: int) -> None:
        async with limiter.turn(9, group=False) as turn:
            for part in range(parts):
                async with turn.slot():
                    log.append(f"{name}{part}")
                    await clock.sleep(0.1)  # as if the HTTP call took a while

    first = asyncio.create_task(reply("a", 3))
    await asyncio.sleep(0)
    second = asyncio.create_task(reply("b", 2))
    await asyncio.gather(first, second)
    assert log == ["a0", "a1", "a2", "b0", "b1"]


async def test_idle_chats_are_forgotten(clock: VirtualClock) -> None:
    limiter = OutgoingLimiter(clock=clock)
    for chat in range(1, 1101):
        async with limiter.turn(chat, group=False) as turn, turn.slot():
            pass
    await clock.sleep(10)
    async with limiter.turn(5000, group=False) as turn, turn.slot():
        pass
    assert len(limiter._chats) < 1000


async def test_real_clock_one_chat_rate() -> None:
    # The same limits on the real clock, scaled up 10x so it takes a fraction of a second.
    limiter = OutgoingLimiter(RateLimits(global_per_s=1000, chat_per_s=10, chat_burst=3))
    start = time.monotonic()
    times = []
    for _ in range(6):
        async with limiter.turn(1, group=False) as turn, turn.slot():
            times.append(time.monotonic() - start)
    assert times[2] < 0.09  # the 4th is due at 0.1 s
    assert times[5] >= 0.29  # three refills of 0.1 s after the burst of three
