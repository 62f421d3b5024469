"""One subscription's delivery lane: per-chat order, bounded concurrency, backpressure.

Every subscription (topic + group) gets a lane of its own, so a slow group cannot hold up
another group on the same topic.

- Events wait in a FIFO per chat. A chat is *ready* when it has waiting events and no handler
  running; ready chats are served round-robin and a chat goes to the back of the line after
  each event, so a chat that floods the bot cannot starve the others.
- At most ``concurrency`` handlers run at once, and at most ``max_pending`` events are queued
  or running: ``accept`` waits for room instead of dropping.
- Each handler runs in a task of its own under the subscription's timeout; a failure or a
  timeout goes to ``report`` and the lane carries on.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from functools import partial

from bot.bus.base import BusClosed, HandlerTimeout, Subscription
from bot.bus.stats import SubscriptionStats
from bot.events import Event

logger = logging.getLogger(__name__)

Report = Callable[[Event, BaseException, Subscription], Awaitable[None]]

# The bus whose handler runs in the current task (None outside handlers). A draining bus
# still takes events published by its own handlers (the reply a message handler produces)
# and refuses everybody else.
current_bus: ContextVar[object | None] = ContextVar("current_bus", default=None)

# How long ``wait_aborted`` gives cancelled handlers to unwind before giving up on them.
CANCEL_GRACE_S = 5.0


class Lane:
    def __init__(
        self,
        subscription: Subscription,
        *,
        owner: object,
        max_pending: int,
        concurrency: int,
        timeout: float | None,
        report: Report,
        on_settled: Callable[[], None],
    ) -> None:
        self.subscription = subscription
        self._owner = owner
        self._concurrency = concurrency
        self._timeout = timeout
        self._report = report
        self._on_settled = on_settled  # called whenever ``outstanding`` may have dropped

        self._room = asyncio.Semaphore(max_pending)  # FIFO: blocked publishers keep order
        self._waiting_publishers = 0
        self._queues: dict[int, deque[Event]] = {}
        self._queued = 0
        self._ready: deque[int] = deque()
        self._busy: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._running = False
        self._closed = False

        self._handled = 0
        self._failed = 0
        self._timed_out = 0
        self._dropped = 0

    @property
    def outstanding(self) -> int:
        """Events not finished yet, counting publishers still waiting for room."""
        return self._waiting_publishers + self._queued + len(self._tasks)

    def start(self) -> None:
        self._running = True
        self._pump()

    def close(self) -> None:
        """Refuse events from now on (waiting publishers get ``BusClosed``)."""
        self._closed = True

    async def accept(self, event: Event) -> None:
        """Queue ``event``, waiting while the lane holds ``max_pending`` events."""
        self._waiting_publishers += 1
        try:
            await self._room.acquire()
            if self._closed:
                self._room.release()
                raise BusClosed(f"subscription {self._name} is closed")
            self._enqueue(event)
        finally:
            # Only after the enqueue, so the event is never counted as gone in between.
            self._waiting_publishers -= 1
            self._on_settled()

    def abort(self) -> int:
        """Drop queued events and cancel running handlers; returns how many were dropped."""
        self._closed = True
        dropped = self._queued + len(self._tasks)
        for _ in range(self._queued):
            self._room.release()  # wakes blocked publishers, who then see the lane closed
        self._queues.clear()
        self._ready.clear()
        self._queued = 0
        for task in self._tasks:
            task.cancel()
        self._dropped += dropped
        return dropped

    async def wait_aborted(self) -> None:
        """Wait (bounded) for the handlers cancelled by ``abort`` to unwind."""
        if not self._tasks:
            return
        _, stuck = await asyncio.wait(set(self._tasks), timeout=CANCEL_GRACE_S)
        if stuck:
            logger.error(
                "%d handler(s) of %s ignored cancellation for %.0fs; abandoning them",
                len(stuck),
                self._name,
                CANCEL_GRACE_S,
            )

    def stats(self) -> SubscriptionStats:
        return SubscriptionStats(
            topic=self.subscription.topic,
            group=self.subscription.group,
            queued=self._queued,
            in_flight=len(self._tasks),
            handled=self._handled,
            failed=self._failed,
            timed_out=self._timed_out,
            dropped=self._dropped,
        )

    @property
    def _name(self) -> str:
        return f"{self.subscription.topic}/{self.subscription.group}"

    def _enqueue(self, event: Event) -> None:
        queue = self._queues.setdefault(event.chat_id, deque())
        queue.append(event)
        self._queued += 1
        if len(queue) == 1 and event.chat_id not in self._busy:
            self._ready.append(event.chat_id)
        self._pump()

    def _pump(self) -> None:
        """Start handlers for ready chats while there are free slots."""
        if not self._running or self._closed:
            return
        loop = asyncio.get_running_loop()
        while self._ready and len(self._tasks) < self._concurrency:
            chat_id = self._ready.popleft()
            queue = self._queues[chat_id]
            event = queue.popleft()
            self._queued -= 1
            if not queue:
                del self._queues[chat_id]
            self._busy.add(chat_id)
            task = loop.create_task(self._deliver(event), name=f"bus {self._name} {chat_id}")
            self._tasks.add(task)
            # A done callback rather than ``finally``: a task cancelled before its first step
            # never runs its body, and the bookkeeping must happen anyway.
            task.add_done_callback(partial(self._settle, chat_id))

    def _settle(self, chat_id: int, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._busy.discard(chat_id)
        self._room.release()
        if chat_id in self._queues:
            self._ready.append(chat_id)  # to the back of the line: fairness between chats
        self._pump()
        self._on_settled()

    async def _deliver(self, event: Event) -> None:
        current_bus.set(self._owner)  # this task's own context copy
        deadline = asyncio.timeout(self._timeout)
        failure: BaseException
        try:
            async with deadline:
                await self.subscription.handler(event)
        except TimeoutError as exc:
            if deadline.expired():
                self._timed_out += 1
                failure = HandlerTimeout(
                    f"handler of {self._name} ran past {self._timeout}s "
                    f"(chat {event.chat_id}, trace {event.trace_id})"
                )
                failure.__cause__ = exc
            else:  # the handler's own timeout (an HTTP call, say): an ordinary failure
                self._failed += 1
                failure = exc
        except asyncio.CancelledError as exc:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # we are being cancelled (shutdown): not the handler's failure
            # The handler let a CancelledError of something it awaited escape.
            self._failed += 1
            failure = exc
        except Exception as exc:
            self._failed += 1
            failure = exc
        else:
            self._handled += 1
            return
        await self._report(event, failure, self.subscription)
