"""Work that outlives the turn that asked for it, and the progress message it keeps current.

Indexing a big PDF takes longer than a pipeline stage may (``[bus] stage_timeout_s``), so
``/kb add`` and ``/kb reindex`` answer at once with a progress message and do the work in a
task; the result comes as its own reply when the task ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from bot.progress import ProgressMessage

log = logging.getLogger(__name__)

MIN_UPDATE_INTERVAL_S = 1.5
"""Telegram lets a bot post about one message per second into a chat, and edits count."""


class BackgroundTasks:
    """Tasks kept until they finish (a bare ``create_task`` may be garbage-collected), and
    cancelled together at teardown."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())

    async def wait(self) -> None:
        """Until every task started so far has ended (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


class ThrottledProgress:
    """An ingest ``Progress`` callback that edits a progress message at most every
    ``min_interval_s``; the last step is left to the final reply."""

    def __init__(
        self,
        message: ProgressMessage,
        render: Callable[[int, int], str],
        *,
        min_interval_s: float = MIN_UPDATE_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._message = message
        self._render = render
        self._min_interval_s = min_interval_s
        self._clock = clock
        self._last = clock()

    async def __call__(self, done: int, total: int) -> None:
        now = self._clock()
        if done >= total or now - self._last < self._min_interval_s:
            return
        self._last = now
        await self._message.update(self._render(done, total))


def percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 100
