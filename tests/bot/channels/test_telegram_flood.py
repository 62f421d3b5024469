"""Inbound flood control: extra messages are held and passed on at the allowed rate, in order,
with one notice per flood episode."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.channels.telegram_flood import FLOOD_NOTICE, FloodGate
from bot.events import InboundMessage
from tests.bot.channels.test_ratelimit import VirtualClock


@pytest.fixture
async def clock() -> AsyncIterator[VirtualClock]:
    virtual = VirtualClock()
    virtual.start()
    yield virtual
    await virtual.stop()


class Recorder:
    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self.passed: list[tuple[float, int, str]] = []
        self.notices: list[InboundMessage] = []

    async def forward(self, message: InboundMessage) -> None:
        self.passed.append((self.clock.now(), message.user_id, message.text))

    async def on_flood(self, message: InboundMessage) -> None:
        self.notices.append(message)


def msg(user_id: int, text: str) -> InboundMessage:
    return InboundMessage(chat_id=user_id, user_id=user_id, channel="telegram", text=text)


async def settle(clock: VirtualClock, seconds: float) -> None:
    await clock.sleep(seconds)


async def test_under_the_limit_everything_passes_at_once(clock: VirtualClock) -> None:
    rec = Recorder(clock)
    gate = FloodGate(rec.forward, rec.on_flood, limit=5, window_s=60, clock=clock)
    for i in range(5):
        await gate.offer(msg(1, f"m{i}"))
    assert [text for _, _, text in rec.passed] == [f"m{i}" for i in range(5)]
    assert rec.notices == []


async def test_a_flood_is_held_passed_on_in_order_with_one_notice(clock: VirtualClock) -> None:
    rec = Recorder(clock)
    gate = FloodGate(rec.forward, rec.on_flood, limit=20, window_s=60, clock=clock)
    for i in range(45):
        await gate.offer(msg(1, f"m{i}"))
    assert len(rec.passed) == 20
    assert gate.held(1) == 25
    assert len(rec.notices) == 1
    assert rec.notices[0].text == "m20"  # the first held message
    await settle(clock, 200)
    assert [text for _, _, text in rec.passed] == [f"m{i}" for i in range(45)]  # nothing lost
    times = [t for t, _, _ in rec.passed]
    assert times[20:40] == [60.0] * 20 and times[40:] == [120.0] * 5  # at the allowed rate
    assert len(rec.notices) == 1
    assert gate.held(1) == 0


async def test_one_user_flooding_does_not_hold_up_another(clock: VirtualClock) -> None:
    rec = Recorder(clock)
    gate = FloodGate(rec.forward, rec.on_flood, limit=3, window_s=10, clock=clock)
    for i in range(6):
        await gate.offer(msg(1, f"a{i}"))
    await gate.offer(msg(2, "b0"))
    assert (0.0, 2, "b0") in rec.passed
    assert [n.user_id for n in rec.notices] == [1]


async def test_new_messages_queue_behind_held_ones(clock: VirtualClock) -> None:
    rec = Recorder(clock)
    gate = FloodGate(rec.forward, rec.on_flood, limit=2, window_s=10, clock=clock)
    for i in range(3):
        await gate.offer(msg(1, f"m{i}"))
    await settle(clock, 5)
    await gate.offer(msg(1, "m3"))  # the window is still full and m2 is waiting
    await settle(clock, 30)
    assert [text for _, _, text in rec.passed] == ["m0", "m1", "m2", "m3"]
    assert len(rec.notices) == 1  # still the same episode


async def test_a_later_flood_is_a_new_episode(clock: VirtualClock) -> None:
    rec = Recorder(clock)
    gate = FloodGate(rec.forward, rec.on_flood, limit=2, window_s=10, clock=clock)
    for i in range(3):
        await gate.offer(msg(1, f"first{i}"))
    await settle(clock, 60)  # calm: the held one passed, the window emptied
    await gate.offer(msg(1, "calm"))  # passes at once: the episode is over
    for i in range(3):
        await gate.offer(msg(1, f"second{i}"))
    assert len(rec.notices) == 2


async def test_a_failing_notice_does_not_lose_the_message(clock: VirtualClock) -> None:
    rec = Recorder(clock)

    async def broken_notice(message: InboundMessage) -> None:
        raise RuntimeError("bus closed")

    gate = FloodGate(rec.forward, broken_notice, limit=1, window_s=1, clock=clock)
    await gate.offer(msg(1, "a"))
    await gate.offer(msg(1, "b"))
    await settle(clock, 5)
    assert [text for _, _, text in rec.passed] == ["a", "b"]


async def test_close_stops_releasing(clock: VirtualClock) -> None:
    rec = Recorder(clock)
    gate = FloodGate(rec.forward, rec.on_flood, limit=1, window_s=10, clock=clock)
    await gate.offer(msg(1, "a"))
    await gate.offer(msg(1, "b"))
    await gate.close()
    await settle(clock, 30)
    await asyncio.sleep(0)
    assert [text for _, _, text in rec.passed] == ["a"]


def test_notice_texts() -> None:
    assert FLOOD_NOTICE["ru"] == "Вы пишете очень быстро — отвечу по порядку."
    assert FLOOD_NOTICE["en"] == "You're sending messages very fast — I'll answer them in order."


async def test_flush_hands_on_every_held_message_in_order() -> None:
    from bot.channels.telegram_flood import FloodGate
    from bot.events import InboundMessage

    forwarded: list[str] = []
    notices: list[str] = []

    async def forward(message: InboundMessage) -> None:
        forwarded.append(message.text)

    async def on_flood(message: InboundMessage) -> None:
        notices.append(message.text)

    gate = FloodGate(forward, on_flood, limit=2, window_s=60.0)
    for i in range(5):
        await gate.offer(InboundMessage(chat_id=1, user_id=1, channel="telegram", text=f"m{i}"))
    assert forwarded == ["m0", "m1"] and gate.held(1) == 3
    await gate.flush()
    assert forwarded == ["m0", "m1", "m2", "m3", "m4"]
    assert notices == ["m2"] and gate.held(1) == 0
    await gate.close()
