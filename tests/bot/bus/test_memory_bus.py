"""MemoryBus: per-chat order, concurrency, backpressure, failures, draining; event round-trips."""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections import defaultdict
from datetime import UTC, datetime

import pytest

from bot import events as events_module
from bot.bus import BusClosed, HandlerTimeout, MemoryBus, Subscription, create_bus
from bot.events import (
    Attachment,
    Button,
    Event,
    FeedbackGiven,
    InboundMessage,
    MessageKind,
    OutboundReply,
    TurnCompleted,
    event_from_dict,
)

IN = InboundMessage.topic
OUT = OutboundReply.topic
WAIT = 5.0  # upper bound for anything that should happen "soon"; never a synchronisation


def message(chat_id: int, n: int = 0) -> InboundMessage:
    return InboundMessage(chat_id=chat_id, user_id=chat_id, channel="test", text=str(n))


def number(event: Event) -> int:
    assert isinstance(event, InboundMessage)
    return int(event.text)


class HookRecorder:
    """An error hook that remembers what it was given."""

    def __init__(self) -> None:
        self.calls: list[tuple[Event, BaseException, Subscription]] = []
        self.called = asyncio.Event()

    async def __call__(self, event: Event, error: BaseException, sub: Subscription) -> None:
        self.calls.append((event, error, sub))
        self.called.set()


async def test_each_chat_sees_its_events_in_order_while_chats_run_concurrently() -> None:
    chats, per_chat = 50, 40
    bus = MemoryBus(concurrency=8, max_pending=100)
    seen: dict[int, list[int]] = defaultdict(list)
    running: set[int] = set()
    overlap = {"max": 0, "same_chat_twice": 0}
    all_done = asyncio.Event()
    total = 0

    async def handler(event: Event) -> None:
        nonlocal total
        if event.chat_id in running:
            overlap["same_chat_twice"] += 1
        running.add(event.chat_id)
        overlap["max"] = max(overlap["max"], len(running))
        await asyncio.sleep(random.uniform(0, 0.002))  # simulated work of varying length
        seen[event.chat_id].append(number(event))
        running.discard(event.chat_id)
        total += 1
        if total == chats * per_chat:
            all_done.set()

    bus.subscribe(IN, handler, group="g")
    await bus.start()
    # Interleave chats randomly while keeping each chat's own sequence.
    order = [chat for chat in range(chats) for _ in range(per_chat)]
    random.Random(7).shuffle(order)
    next_n: dict[int, int] = defaultdict(int)
    for chat in order:
        await bus.publish(message(chat, next_n[chat]))
        next_n[chat] += 1

    await asyncio.wait_for(all_done.wait(), WAIT)
    await bus.stop()
    assert {chat: seen[chat] for chat in range(chats)} == {
        chat: list(range(per_chat)) for chat in range(chats)
    }
    assert overlap["same_chat_twice"] == 0
    assert 1 < overlap["max"] <= 8


async def test_concurrency_bound_holds_and_is_reached() -> None:
    bus = MemoryBus(concurrency=3)
    gate = asyncio.Event()
    active, peak = 0, 0
    finished = 0
    all_done = asyncio.Event()

    async def handler(event: Event) -> None:
        nonlocal active, peak, finished
        active += 1
        peak = max(peak, active)
        await gate.wait()
        active -= 1
        finished += 1
        if finished == 10:
            all_done.set()

    bus.subscribe(IN, handler, group="g")
    await bus.start()
    for chat in range(10):
        await bus.publish(message(chat))
    [stats] = bus.stats()
    assert (stats.in_flight, stats.queued) == (3, 7)
    await asyncio.sleep(0.05)  # let the three run; nothing else may start meanwhile
    assert peak == 3

    gate.set()
    await asyncio.wait_for(all_done.wait(), WAIT)
    assert peak == 3
    await bus.stop()


async def test_a_flooding_chat_does_not_starve_another() -> None:
    bus = MemoryBus(concurrency=1)
    handled: list[int] = []
    bus.subscribe(IN, lambda e: _record(handled, e.chat_id), group="g")
    for n in range(20):
        await bus.publish(message(1, n))  # before start: queued
    await bus.publish(message(2))

    await bus.start()
    await bus.stop(drain_timeout=WAIT)
    assert len(handled) == 21
    assert handled.index(2) <= 1  # served after at most one event of the flooding chat


async def _record(into: list[int], value: int) -> None:
    into.append(value)


async def test_publish_waits_for_room_and_nothing_is_lost() -> None:
    bus = MemoryBus(max_pending=2, concurrency=1)
    gate = asyncio.Event()
    handled: list[int] = []

    async def handler(event: Event) -> None:
        await gate.wait()
        handled.append(number(event))

    bus.subscribe(IN, handler, group="g")
    await bus.start()
    await bus.publish(message(1, 0))  # running
    await bus.publish(message(1, 1))  # queued: the lane is now full
    third = asyncio.create_task(bus.publish(message(1, 2)))
    done, _ = await asyncio.wait({third}, timeout=0.1)
    assert not done, "publish should wait while the subscription is full"
    [stats] = bus.stats()
    assert stats.queued + stats.in_flight == 2

    gate.set()
    await asyncio.wait_for(third, WAIT)
    await bus.stop(drain_timeout=WAIT)
    assert handled == [0, 1, 2]


async def test_publish_to_a_topic_without_subscribers_is_a_no_op() -> None:
    bus = MemoryBus(max_pending=1)
    await bus.start()
    for n in range(5):  # would block on the second if anything were kept
        await asyncio.wait_for(bus.publish(message(1, n)), WAIT)
    await bus.stop()


async def test_timeout_cancels_the_handler_and_the_chat_moves_on() -> None:
    bus = MemoryBus(default_timeout=None)
    hook = HookRecorder()
    bus.set_error_hook(hook)
    cancelled = asyncio.Event()
    second_ran = asyncio.Event()

    async def handler(event: Event) -> None:
        if number(event) == 0:
            try:
                await asyncio.Event().wait()  # hangs until cancelled
            except asyncio.CancelledError:
                cancelled.set()
                raise
        second_ran.set()

    sub = bus.subscribe(IN, handler, group="g", timeout=0.05)
    await bus.start()
    first = message(1, 0)
    await bus.publish(first)
    await bus.publish(message(1, 1))

    await asyncio.wait_for(second_ran.wait(), WAIT)
    assert cancelled.is_set()
    [(event, error, got_sub)] = hook.calls
    assert event == first and got_sub == sub
    assert isinstance(error, HandlerTimeout)
    [stats] = bus.stats()
    assert (stats.timed_out, stats.handled, stats.failed) == (1, 1, 0)
    await bus.stop()


async def test_a_handlers_own_timeout_error_is_a_failure_not_a_handler_timeout() -> None:
    bus = MemoryBus(default_timeout=10)
    hook = HookRecorder()
    bus.set_error_hook(hook)

    async def handler(event: Event) -> None:
        raise TimeoutError("upstream API timed out")

    bus.subscribe(IN, handler, group="g")
    await bus.start()
    await bus.publish(message(1))
    await asyncio.wait_for(hook.called.wait(), WAIT)
    [(_, error, _)] = hook.calls
    assert type(error) is TimeoutError
    [stats] = bus.stats()
    assert (stats.failed, stats.timed_out) == (1, 0)
    await bus.stop()


async def test_a_raising_handler_goes_to_the_hook_and_others_are_unaffected() -> None:
    bus = MemoryBus()
    hook = HookRecorder()
    bus.set_error_hook(hook)
    handled: list[tuple[int, int]] = []

    async def handler(event: Event) -> None:
        if (event.chat_id, number(event)) == (1, 0):
            raise ValueError("boom")
        handled.append((event.chat_id, number(event)))

    sub = bus.subscribe(IN, handler, group="g")
    await bus.start()
    bad = message(1, 0)
    await bus.publish(bad)
    for chat, n in [(1, 1), (2, 0), (2, 1)]:
        await bus.publish(message(chat, n))
    await bus.stop(drain_timeout=WAIT)

    [(event, error, got_sub)] = hook.calls
    assert (event, got_sub) == (bad, sub)
    assert isinstance(error, ValueError)
    assert sorted(handled) == [(1, 1), (2, 0), (2, 1)]
    [stats] = bus.stats()
    assert (stats.handled, stats.failed) == (3, 1)


async def test_a_raising_hook_is_logged_and_the_bus_carries_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = MemoryBus()
    handled: list[int] = []

    async def hook(event: Event, error: BaseException, sub: Subscription) -> None:
        raise RuntimeError("hook is broken too")

    async def handler(event: Event) -> None:
        if number(event) == 0:
            raise ValueError("boom")
        handled.append(number(event))

    bus.set_error_hook(hook)
    bus.subscribe(IN, handler, group="g")
    await bus.start()
    bad = message(7, 0)
    with caplog.at_level(logging.ERROR, logger="bot.bus"):
        await bus.publish(bad)
        await bus.publish(message(7, 1))
        await bus.stop(drain_timeout=WAIT)

    assert handled == [1]
    [record] = [r for r in caplog.records if "error hook failed" in r.getMessage()]
    assert getattr(record, "trace_id", None) == bad.trace_id
    assert getattr(record, "chat_id", None) == 7
    assert bad.trace_id in record.getMessage()
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)


async def test_without_a_hook_failures_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    bus = MemoryBus()

    async def handler(event: Event) -> None:
        raise ValueError("boom")

    bus.subscribe(IN, handler, group="g")
    await bus.start()
    bad = message(3)
    with caplog.at_level(logging.ERROR, logger="bot.bus"):
        await bus.publish(bad)
        await bus.stop(drain_timeout=WAIT)
    [record] = caplog.records
    assert bad.trace_id in record.getMessage()
    assert record.exc_info is not None and isinstance(record.exc_info[1], ValueError)


async def test_a_cancelled_error_leaking_from_a_handler_is_a_failure_not_a_shutdown() -> None:
    bus = MemoryBus()
    hook = HookRecorder()
    bus.set_error_hook(hook)
    handled: list[int] = []

    async def handler(event: Event) -> None:
        if number(event) == 0:
            raise asyncio.CancelledError  # e.g. an awaited future someone else cancelled
        handled.append(number(event))

    bus.subscribe(IN, handler, group="g")
    await bus.start()
    await bus.publish(message(1, 0))
    await bus.publish(message(1, 1))
    await bus.stop(drain_timeout=WAIT)
    assert handled == [1]
    [(_, error, _)] = hook.calls
    assert isinstance(error, asyncio.CancelledError)


async def test_stop_drains_queued_events_and_their_follow_ups() -> None:
    bus = MemoryBus(concurrency=2)
    replies: list[tuple[int, str]] = []

    async def pipeline(event: Event) -> None:
        assert isinstance(event, InboundMessage)
        await asyncio.sleep(random.uniform(0, 0.005))  # simulated work
        await bus.publish(
            OutboundReply(
                chat_id=event.chat_id, user_id=event.user_id, channel="test", text=event.text
            )
        )

    async def delivery(event: Event) -> None:
        assert isinstance(event, OutboundReply)
        await asyncio.sleep(random.uniform(0, 0.005))
        replies.append((event.chat_id, event.text))

    bus.subscribe(IN, pipeline, group="pipeline")
    bus.subscribe(OUT, delivery, group="delivery")
    await bus.start()
    sent = [(chat, n) for n in range(6) for chat in range(5)]
    for chat, n in sent:
        await bus.publish(message(chat, n))

    await bus.stop(drain_timeout=WAIT)
    assert sorted(replies) == sorted((chat, str(n)) for chat, n in sent)
    for chat in range(5):  # and still in order per chat
        assert [text for c, text in replies if c == chat] == [str(n) for n in range(6)]
    assert all(s.queued == s.in_flight == s.dropped == 0 for s in bus.stats())


async def test_while_draining_outsiders_are_refused_and_handlers_may_still_publish() -> None:
    bus = MemoryBus()
    gate = asyncio.Event()
    replies: list[str] = []

    async def pipeline(event: Event) -> None:
        await gate.wait()
        await bus.publish(OutboundReply(chat_id=1, user_id=1, channel="test", text="reply"))

    async def delivery(event: Event) -> None:
        assert isinstance(event, OutboundReply)
        replies.append(event.text)

    bus.subscribe(IN, pipeline, group="pipeline")
    bus.subscribe(OUT, delivery, group="delivery")
    await bus.start()
    await bus.publish(message(1))
    stopping = asyncio.create_task(bus.stop(drain_timeout=WAIT))
    await asyncio.sleep(0)  # one loop turn: ``stop`` begins draining and waits

    with pytest.raises(BusClosed):
        await bus.publish(message(2))
    gate.set()
    await asyncio.wait_for(stopping, WAIT)
    assert replies == ["reply"]


async def test_drain_timeout_cancels_stragglers_and_counts_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = MemoryBus(concurrency=1, default_timeout=None)
    cancelled = asyncio.Event()

    async def handler(event: Event) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    bus.subscribe(IN, handler, group="g")
    await bus.start()
    for n in range(3):  # one runs, two wait behind it (same chat)
        await bus.publish(message(1, n))

    with caplog.at_level(logging.WARNING, logger="bot.bus"):
        await asyncio.wait_for(bus.stop(drain_timeout=0.1), WAIT)
    assert cancelled.is_set()
    [stats] = bus.stats()
    assert (stats.dropped, stats.queued, stats.in_flight) == (3, 0, 0)
    assert any("cancelled 3" in r.getMessage() for r in caplog.records)


async def test_publish_after_stop_raises_and_a_stopped_bus_cannot_restart() -> None:
    bus = MemoryBus()
    bus.subscribe(IN, lambda e: _record([], 0), group="g")
    await bus.start()
    await bus.stop()
    with pytest.raises(BusClosed):
        await bus.publish(message(1))
    with pytest.raises(BusClosed):
        await bus.publish(TurnCompleted(chat_id=1, user_id=1, outcome="ok"))  # no subscribers
    with pytest.raises(RuntimeError):
        await bus.start()


async def test_stop_before_start_drops_queued_events(caplog: pytest.LogCaptureFixture) -> None:
    bus = MemoryBus()
    handled: list[int] = []
    bus.subscribe(IN, lambda e: _record(handled, 1), group="g")
    await bus.publish(message(1))
    with caplog.at_level(logging.WARNING, logger="bot.bus"):
        await bus.stop()
    assert handled == []
    assert bus.stats()[0].dropped == 1
    assert "dropped 1" in caplog.text


async def test_two_groups_on_one_topic_each_get_every_event_independently() -> None:
    bus = MemoryBus()
    slow_gate = asyncio.Event()
    fast: list[int] = []
    slow: list[int] = []
    fast_done = asyncio.Event()

    async def fast_handler(event: Event) -> None:
        fast.append(number(event))
        if len(fast) == 5:
            fast_done.set()

    async def slow_handler(event: Event) -> None:
        await slow_gate.wait()
        slow.append(number(event))

    bus.subscribe(IN, fast_handler, group="fast")
    bus.subscribe(IN, slow_handler, group="slow")
    await bus.start()
    for n in range(5):
        await bus.publish(message(1, n))

    await asyncio.wait_for(fast_done.wait(), WAIT)  # not held up by the slow group
    assert slow == []
    slow_gate.set()
    await bus.stop(drain_timeout=WAIT)
    assert fast == slow == list(range(5))


def test_a_group_subscribes_to_a_topic_once() -> None:
    bus = MemoryBus()
    bus.subscribe(IN, lambda e: _record([], 0), group="g")
    with pytest.raises(ValueError, match="already subscribed"):
        bus.subscribe(IN, lambda e: _record([], 0), group="g")


def test_create_bus_knows_memory_and_names_the_allowed_backends() -> None:
    assert isinstance(create_bus("memory", concurrency=2), MemoryBus)
    with pytest.raises(ValueError, match=r"'redis'.*allowed: memory"):
        create_bus("redis")


SAMPLE_EVENTS: list[Event] = [
    InboundMessage(
        chat_id=-100123,
        user_id=42,
        lang="ru",
        ts=datetime(2025, 3, 1, 12, 30, tzinfo=UTC),
        channel="telegram",
        kind=MessageKind.VOICE,
        text="напомни завтра",
        attachment=Attachment(ref="file-1", mime_type="audio/ogg", size=1024, duration_s=2.5),
        callback_data="cb",
        external_message_id="9",
        external_update_id="10",
        username="masha",
        display_name="Маша",
        chat_type="group",
    ),
    OutboundReply(
        chat_id=1,
        user_id=2,
        lang="en",
        channel="telegram",
        text="Done?",
        buttons=((Button(text="Yes", data="y"), Button(text="No", data="n")),),
        kind="photo",
        file_path="/tmp/x.png",
        reply_id=5,
        edit_external_message_id="77",
    ),
    TurnCompleted(chat_id=1, user_id=2, outcome="error", intent="reminders.add", error="boom"),
    FeedbackGiven(chat_id=1, user_id=2, reply_id=None, kind="thumbs", value=-1.0),
]


@pytest.mark.parametrize("event", SAMPLE_EVENTS, ids=lambda e: type(e).__name__)
def test_event_survives_a_json_round_trip(event: Event) -> None:
    wire = json.loads(json.dumps(event.to_dict()))
    assert event_from_dict(wire) == event


def test_every_event_class_in_bot_events_has_a_round_trip_sample() -> None:
    defined = {
        cls
        for cls in vars(events_module).values()
        if isinstance(cls, type) and issubclass(cls, Event) and cls is not Event
    }
    assert defined == {type(e) for e in SAMPLE_EVENTS}
