"""A snapshot of one subscription's counters, for logs, health checks and tests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SubscriptionStats:
    """Counters of one subscription (topic + group) at the moment ``stats()`` was called.

    ``handled``, ``failed``, ``timed_out`` and ``dropped`` are disjoint totals since the bus
    was created: every accepted event ends in exactly one of them.
    """

    topic: str
    group: str
    queued: int  # accepted, waiting for its chat's turn or a free slot
    in_flight: int  # handler running (or its error hook)
    handled: int  # handler returned normally
    failed: int  # handler raised
    timed_out: int  # handler ran past its timeout and was cancelled
    dropped: int  # still queued or running when the drain timeout expired
