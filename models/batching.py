"""``MicroBatcher``: many concurrent ``submit`` calls become a few batched model calls.

Models (torch especially) are far cheaper per item in batches, and the bot's handlers each
want one result. The batcher sits between: a single worker task takes the first waiting
request, waits up to ``max_wait_ms`` (counted from when that request arrived) for more, up
to ``max_batch``, and runs the batch in the batcher's own thread. One batch at a time: a model
on CPU already uses every core, and most models are not safe to call from two threads.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

from models.errors import ModelBusy, ModelClosed, ModelTimeout

Req = TypeVar("Req")
Res = TypeVar("Res")

# Latency percentiles are over the most recent requests only: recent behaviour is what an
# operator asks about, and memory stays bounded.
LATENCY_WINDOW = 1024


@dataclass(frozen=True)
class BatcherStats:
    """A snapshot for ``/models`` and metrics. Latencies are submit → result, in ms;
    ``None`` until a request has been served."""

    queue_depth: int
    batches: int
    served: int
    failed: int
    timed_out: int
    rejected: int
    mean_batch_size: float
    p50_ms: float | None
    p95_ms: float | None


@dataclass(eq=False)
class _Pending(Generic[Req, Res]):
    request: Req
    future: asyncio.Future[Res]
    enqueued: float  # loop.time() at submit


class MicroBatcher(Generic[Req, Res]):
    """Batches ``submit(request)`` calls into ``infer(requests)`` calls run in a thread."""

    def __init__(
        self,
        infer: Callable[[list[Req]], list[Res]],
        *,
        name: str = "model",
        max_batch: int = 8,
        max_wait_ms: float = 5.0,
        max_queue: int = 256,
        timeout_s: float = 60.0,
    ) -> None:
        self.name = name
        self._infer = infer
        self._max_batch = max_batch
        self._max_wait_s = max_wait_ms / 1000
        self._timeout_s = timeout_s
        # None is the stop marker put by close(), behind all queued work.
        self._queue: asyncio.Queue[_Pending[Req, Res] | None] = asyncio.Queue(max_queue)
        self._max_queue = max_queue
        # Set on every submit, so a worker gathering a batch wakes up for new arrivals.
        self._arrived = asyncio.Event()
        # Own single thread: batches never compete with the default pool (DB, NLU), and a
        # thread dump names the model.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"model-{name}")
        self._worker: asyncio.Task[None] | None = None
        self._closing = False
        # Counted by hand: the queue's own size would include the stop marker.
        self._queued = 0
        self._batches = 0
        self._served = 0
        self._failed = 0
        self._timed_out = 0
        self._rejected = 0
        self._batched_requests = 0
        self._latencies_ms: deque[float] = deque(maxlen=LATENCY_WINDOW)

    async def submit(self, request: Req) -> Res:
        """The model's result for ``request``. Raises ``ModelBusy`` at once if the queue is
        full, ``ModelTimeout`` after ``timeout_s``, or whatever ``infer`` raised."""
        if self._closing:
            raise ModelClosed(f"model {self.name!r} is closed")
        loop = asyncio.get_running_loop()
        pending: _Pending[Req, Res] = _Pending(request, loop.create_future(), loop.time())
        try:
            self._queue.put_nowait(pending)
        except asyncio.QueueFull:
            self._rejected += 1
            raise ModelBusy(
                f"model {self.name!r} is busy: {self._max_queue} requests already queued"
            ) from None
        self._queued += 1
        self._arrived.set()
        if self._worker is None:
            self._worker = asyncio.create_task(self._run(), name=f"model-{self.name}-batcher")
        try:
            # On timeout (or the caller being cancelled) wait_for cancels the future, so the
            # worker skips the request if it has not been batched yet.
            return await asyncio.wait_for(pending.future, self._timeout_s)
        except TimeoutError:
            self._timed_out += 1
            raise ModelTimeout(
                f"model {self.name!r} gave no result within {self._timeout_s:g} s"
            ) from None

    async def close(self) -> None:
        """Stop accepting requests, finish everything already queued, then stop."""
        if self._closing:
            return
        self._closing = True
        if self._worker is not None:
            # Waits if the queue is full: the worker is draining it.
            await self._queue.put(None)
            self._arrived.set()
            await self._worker
        self._executor.shutdown(wait=True)

    def stats(self) -> BatcherStats:
        latencies = sorted(self._latencies_ms)
        return BatcherStats(
            queue_depth=self._queued,
            batches=self._batches,
            served=self._served,
            failed=self._failed,
            timed_out=self._timed_out,
            rejected=self._rejected,
            mean_batch_size=self._batched_requests / self._batches if self._batches else 0.0,
            p50_ms=_percentile(latencies, 50),
            p95_ms=_percentile(latencies, 95),
        )

    # -- worker ------------------------------------------------------------------------------
    async def _run(self) -> None:
        while True:
            first = await self._queue.get()
            if first is None:
                return
            self._queued -= 1
            batch, stop = await self._gather(first)
            if batch:
                await self._run_batch(batch)
            if stop:
                return

    async def _gather(self, first: _Pending[Req, Res]) -> tuple[list[_Pending[Req, Res]], bool]:
        """``first`` plus whatever arrives before its wait is over, up to ``max_batch``.
        Requests whose caller already gave up are dropped. Returns (batch, stop seen)."""
        loop = asyncio.get_running_loop()
        batch = [first] if not first.future.done() else []
        deadline = first.enqueued + self._max_wait_s
        while len(batch) < self._max_batch:
            # Cleared before draining: a submit after the drain sets it again, so no wake-up
            # is lost (everything here runs on the loop thread).
            self._arrived.clear()
            while len(batch) < self._max_batch and not self._queue.empty():
                item = self._queue.get_nowait()
                if item is None:
                    return batch, True
                self._queued -= 1
                if not item.future.done():
                    batch.append(item)
            remaining = deadline - loop.time()
            if len(batch) >= self._max_batch or remaining <= 0 or self._closing:
                break
            try:
                async with asyncio.timeout(remaining):
                    await self._arrived.wait()
            except TimeoutError:
                break
        return batch, False

    async def _run_batch(self, batch: list[_Pending[Req, Res]]) -> None:
        loop = asyncio.get_running_loop()
        requests = [p.request for p in batch]
        self._batches += 1
        self._batched_requests += len(batch)
        try:
            results = await loop.run_in_executor(self._executor, self._infer, requests)
            if len(results) != len(requests):
                raise RuntimeError(
                    f"model {self.name!r}: infer returned {len(results)} results "
                    f"for {len(requests)} requests"
                )
        except Exception as exc:  # the model's failure belongs to this batch's callers only
            for p in batch:
                if not p.future.done():
                    p.future.set_exception(exc)
                    self._failed += 1
            return
        now = loop.time()
        for p, result in zip(batch, results, strict=True):
            # A caller that timed out meanwhile has a cancelled future: nobody to tell.
            if not p.future.done():
                p.future.set_result(result)
                self._served += 1
                self._latencies_ms.append((now - p.enqueued) * 1000)


def _percentile(sorted_values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile: always a value that was actually observed."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]
