"""MicroBatcher with a toy model: batching, isolation of failures, back-pressure, timeouts."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from models import ModelBusy, ModelTimeout
from models.batching import MicroBatcher


class Doubler:
    """Sleeps ``delay`` per batch (like a real model, it blocks its thread) and doubles."""

    def __init__(self, delay: float = 0.02, fail_on: int | None = None) -> None:
        self.delay = delay
        self.fail_on = fail_on
        self.batches: list[list[int]] = []
        self.threads: set[str] = set()

    def __call__(self, xs: list[int]) -> list[int]:
        self.batches.append(list(xs))
        self.threads.add(threading.current_thread().name)
        time.sleep(self.delay)
        if self.fail_on is not None and self.fail_on in xs:
            raise RuntimeError(f"boom on {self.fail_on}")
        return [x * 2 for x in xs]


async def test_concurrent_requests_are_batched_and_matched() -> None:
    model = Doubler()
    batcher = MicroBatcher(model, name="toy", max_batch=8, max_wait_ms=10)
    results = await asyncio.gather(*(batcher.submit(i) for i in range(16)))
    await batcher.close()

    assert results == [i * 2 for i in range(16)]
    assert len(model.batches) < 16
    assert all(len(b) <= 8 for b in model.batches)
    assert sorted(x for b in model.batches for x in b) == list(range(16))
    assert model.threads and threading.main_thread().name not in model.threads
    stats = batcher.stats()
    assert stats.served == 16
    assert stats.batches == len(model.batches)
    assert stats.mean_batch_size == pytest.approx(16 / len(model.batches))
    assert stats.p50_ms is not None and stats.p95_ms is not None
    assert stats.p50_ms <= stats.p95_ms
    assert stats.queue_depth == 0


async def test_batch_never_exceeds_max_batch() -> None:
    model = Doubler(delay=0.01)
    batcher = MicroBatcher(model, max_batch=3, max_wait_ms=50)
    results = await asyncio.gather(*(batcher.submit(i) for i in range(20)))
    await batcher.close()
    assert results == [i * 2 for i in range(20)]
    assert max(len(b) for b in model.batches) == 3


async def test_event_loop_stays_responsive_during_a_batch() -> None:
    model = Doubler(delay=0.2)
    batcher = MicroBatcher(model, max_batch=4, max_wait_ms=1)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        assert await batcher.submit(21) == 42
    finally:
        task.cancel()
        await batcher.close()
    # 200 ms of blocking inference; a blocked loop would give ~0 ticks.
    assert ticks >= 8


async def test_full_queue_raises_model_busy() -> None:
    model = Doubler(delay=0.1)
    batcher = MicroBatcher(model, name="toy", max_batch=1, max_wait_ms=0, max_queue=2)
    running = asyncio.create_task(batcher.submit(0))
    await asyncio.sleep(0.03)  # the worker has taken request 0 and is inside infer
    queued = [asyncio.create_task(batcher.submit(i)) for i in (1, 2)]
    await asyncio.sleep(0)
    with pytest.raises(ModelBusy, match="'toy' is busy"):
        await batcher.submit(3)
    assert batcher.stats().queue_depth == 2
    assert batcher.stats().rejected == 1
    assert await asyncio.gather(running, *queued) == [0, 2, 4]
    await batcher.close()


async def test_slow_model_raises_model_timeout_and_batcher_recovers() -> None:
    model = Doubler(delay=0.15)
    batcher = MicroBatcher(model, name="toy", max_wait_ms=0, timeout_s=0.05)
    with pytest.raises(ModelTimeout, match=r"within 0\.05 s"):
        await batcher.submit(1)
    assert batcher.stats().timed_out == 1
    model.delay = 0.0
    await asyncio.sleep(0.15)  # the abandoned batch finishes; its result goes nowhere
    assert await batcher.submit(2) == 4
    await batcher.close()


async def test_infer_exception_fails_only_that_batch() -> None:
    model = Doubler(delay=0.01, fail_on=3)
    batcher = MicroBatcher(model, max_batch=8, max_wait_ms=20)
    outcomes = await asyncio.gather(*(batcher.submit(i) for i in range(4)), return_exceptions=True)
    assert len(model.batches) == 1
    assert all(isinstance(o, RuntimeError) and "boom on 3" in str(o) for o in outcomes)
    # The batcher is still alive and later batches succeed.
    assert await asyncio.gather(*(batcher.submit(i) for i in (10, 11))) == [20, 22]
    stats = batcher.stats()
    assert (stats.failed, stats.served, stats.batches) == (4, 2, 2)
    await batcher.close()


async def test_wrong_number_of_results_fails_the_batch() -> None:
    batcher: MicroBatcher[int, int] = MicroBatcher(lambda xs: xs[:-1], max_wait_ms=0)
    with pytest.raises(RuntimeError, match="returned 0 results for 1 requests"):
        await batcher.submit(1)
    await batcher.close()


async def test_close_finishes_queued_work() -> None:
    model = Doubler(delay=0.02)
    batcher = MicroBatcher(model, max_batch=2, max_wait_ms=0)
    tasks = [asyncio.create_task(batcher.submit(i)) for i in range(6)]
    await asyncio.sleep(0)
    await batcher.close()
    # Every queued request was run before close() returned; callers just collect results.
    assert sorted(x for b in model.batches for x in b) == list(range(6))
    assert await asyncio.gather(*tasks) == [0, 2, 4, 6, 8, 10]
