"""The Bus protocol every backend implements (memory now, Redis Streams for scale-out).

Semantics a backend must give, whatever carries the events:
- ``publish`` returns once the event is accepted; it waits while the backend is full
  (backpressure) and raises ``BusClosed`` after ``stop`` has begun.
- Each subscription is a named consumer group on one topic. Within a group, events of
  one chat are handled one at a time in publish order; different chats run concurrently,
  up to the backend's concurrency bound.
- A handler that raises or exceeds its timeout does not stop anything else: the backend
  reports it to the ``on_error`` hook and moves on (a cross-process backend acknowledges
  the event after the hook ran, so it is not redelivered forever).
- ``stop`` refuses new events, waits for queued and in-flight ones to finish (up to
  ``drain_timeout``), then cancels what is left.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from bot.events import Event

Handler = Callable[[Event], Awaitable[None]]
ErrorHook = Callable[[Event, BaseException, "Subscription"], Awaitable[None]]


class BusClosed(RuntimeError):
    """Raised by ``publish`` once the bus is stopping."""


class HandlerTimeout(TimeoutError):
    """Passed to the error hook when a handler ran past its subscription's timeout."""


@dataclass(frozen=True, slots=True)
class Subscription:
    topic: str
    group: str
    handler: Handler
    timeout: float | None = None


class Bus(Protocol):
    def subscribe(
        self, topic: str, handler: Handler, *, group: str, timeout: float | None = None
    ) -> Subscription:
        """Register ``handler`` for ``topic`` in consumer group ``group`` (before ``start``)."""
        ...

    def set_error_hook(self, hook: ErrorHook) -> None:
        """Called with (event, exception, subscription) when a handler fails or times out."""
        ...

    async def publish(self, event: Event) -> None:
        """Accept ``event`` for every group subscribed to ``event.topic``."""
        ...

    async def start(self) -> None: ...

    async def stop(self, drain_timeout: float = 10.0) -> None: ...
