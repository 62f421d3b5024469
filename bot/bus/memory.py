"""The in-process bus: one lane per subscription, a lifecycle, and failure reporting.

Delivery itself (per-chat order, concurrency, backpressure, timeouts) lives in ``lane.py``;
this module fans published events out to lanes, runs the error hook safely, and drains on
``stop``.
"""

from __future__ import annotations

import asyncio
import enum
import logging

from bot.bus.base import BusClosed, ErrorHook, Handler, Subscription
from bot.bus.lane import Lane, current_bus
from bot.bus.stats import SubscriptionStats
from bot.events import Event

logger = logging.getLogger(__name__)


class _State(enum.Enum):
    NEW = "new"  # publish queues, nothing is handled yet
    RUNNING = "running"
    DRAINING = "draining"  # only the bus's own handlers may publish
    STOPPED = "stopped"


class MemoryBus:
    """A ``Bus`` for a single process; see ``bot.bus.base`` for the semantics it gives."""

    def __init__(
        self,
        *,
        max_pending: int = 1000,
        concurrency: int = 32,
        default_timeout: float | None = 30.0,
    ) -> None:
        if max_pending < 1:
            raise ValueError(f"max_pending must be at least 1, got {max_pending}")
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        _check_timeout(default_timeout)
        self._max_pending = max_pending
        self._concurrency = concurrency
        self._default_timeout = default_timeout
        self._lanes: dict[str, list[Lane]] = {}
        self._hook: ErrorHook | None = None
        self._state = _State.NEW
        self._quiet = asyncio.Event()  # set once draining finds nothing outstanding
        self._stopped = asyncio.Event()

    def subscribe(
        self, topic: str, handler: Handler, *, group: str, timeout: float | None = None
    ) -> Subscription:
        """Register ``handler``; ``timeout`` overrides the bus's ``default_timeout``."""
        if self._state in (_State.DRAINING, _State.STOPPED):
            raise RuntimeError("cannot subscribe to a bus that is stopping")
        _check_timeout(timeout)
        lanes = self._lanes.setdefault(topic, [])
        if any(lane.subscription.group == group for lane in lanes):
            raise ValueError(f"group {group!r} is already subscribed to {topic!r}")
        subscription = Subscription(topic=topic, group=group, handler=handler, timeout=timeout)
        lane = Lane(
            subscription,
            owner=self,
            max_pending=self._max_pending,
            concurrency=self._concurrency,
            timeout=self._timeout_for(subscription),
            report=self._report,
            on_settled=self._check_quiet,
        )
        lanes.append(lane)
        if self._state is _State.RUNNING:
            lane.start()
        return subscription

    def set_error_hook(self, hook: ErrorHook) -> None:
        self._hook = hook

    async def publish(self, event: Event) -> None:
        if self._state is _State.STOPPED or (
            self._state is _State.DRAINING and current_bus.get() is not self
        ):
            raise BusClosed(f"bus is {self._state.value}; cannot publish {event.topic!r}")
        # A copy: a subscribe while we wait for room must not change the list under us.
        for lane in tuple(self._lanes.get(event.topic, ())):
            await lane.accept(event)

    async def start(self) -> None:
        if self._state in (_State.DRAINING, _State.STOPPED):
            raise RuntimeError("a stopped bus cannot be started again")
        if self._state is _State.RUNNING:
            return
        self._state = _State.RUNNING
        for lane in self._all_lanes():
            lane.start()

    async def stop(self, drain_timeout: float = 10.0) -> None:
        """Refuse new events, let queued and in-flight ones finish, cancel what is left."""
        if self._state is _State.STOPPED:
            return
        if self._state is _State.DRAINING:
            await self._stopped.wait()
            return
        was_running = self._state is _State.RUNNING
        self._state = _State.DRAINING
        if was_running:
            await self._drain(drain_timeout)
        else:
            dropped = sum(lane.abort() for lane in self._all_lanes())
            if dropped:
                logger.warning("bus stopped before start: dropped %d queued event(s)", dropped)
        for lane in self._all_lanes():
            lane.close()
        self._state = _State.STOPPED
        self._stopped.set()

    def stats(self) -> list[SubscriptionStats]:
        """One snapshot per subscription, in subscription order."""
        return [lane.stats() for lane in self._all_lanes()]

    async def _drain(self, drain_timeout: float) -> None:
        self._check_quiet()
        try:
            # Quiet is stable once reached: only handlers may publish now, and none is running.
            async with asyncio.timeout(drain_timeout):
                await self._quiet.wait()
        except TimeoutError:
            lanes = self._all_lanes()
            dropped = sum(lane.abort() for lane in lanes)
            logger.warning(
                "bus drain timed out after %.1fs: cancelled %d queued or running event(s)",
                drain_timeout,
                dropped,
            )
            await asyncio.gather(*(lane.wait_aborted() for lane in lanes))

    def _check_quiet(self) -> None:
        if self._state is _State.DRAINING and all(
            lane.outstanding == 0 for lane in self._all_lanes()
        ):
            self._quiet.set()

    def _all_lanes(self) -> list[Lane]:
        return [lane for lanes in self._lanes.values() for lane in lanes]

    def _timeout_for(self, subscription: Subscription) -> float | None:
        if subscription.timeout is not None:
            return subscription.timeout
        return self._default_timeout

    async def _report(
        self, event: Event, error: BaseException, subscription: Subscription
    ) -> None:
        """Hand a handler failure to the error hook; a failing hook is logged, never raised."""
        where = f"{subscription.topic}/{subscription.group}"
        context = {"trace_id": event.trace_id, "chat_id": event.chat_id}
        hook = self._hook
        if hook is None:
            logger.error(
                "handler of %s failed (chat %s, trace %s)",
                where,
                event.chat_id,
                event.trace_id,
                exc_info=error,
                extra=context,
            )
            return
        try:
            # Bounded like the handler, so a stuck hook cannot hold the chat forever.
            async with asyncio.timeout(self._timeout_for(subscription)):
                await hook(event, error, subscription)
        except Exception:
            logger.exception(
                "error hook failed for a failure of %s (chat %s, trace %s; original: %r)",
                where,
                event.chat_id,
                event.trace_id,
                error,
                extra=context,
            )


def _check_timeout(timeout: float | None) -> None:
    if timeout is not None and timeout <= 0:
        raise ValueError(f"timeout must be positive or None, got {timeout}")
