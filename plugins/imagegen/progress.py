"""Long work: run after the turn ends, with an edited "…45 %" message while it lasts.

A pipeline stage may take ``[bus] stage_timeout_s`` (30 s); a diffusion model on a CPU or the
slow style optimisation can take longer. Such work runs as a task of its own
(``BackgroundWork``) and answers when it is done. The model thread writes the fraction done
into ``Progress.fraction`` (a float assignment is atomic under the GIL, so no lock or loop
hand-off is needed); a task on the event loop shows it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from bot.plugins import Context
from bot.progress import ProgressMessage

log = logging.getLogger(__name__)

EDIT_EVERY_S = 2.0


class BackgroundWork:
    """Tasks kept until they finish (a bare ``create_task`` may be garbage-collected) and
    cancelled together at teardown."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())

    async def cancel_all(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


class Progress:
    def __init__(self) -> None:
        self.fraction = 0.0

    def report(self, fraction: float) -> None:
        """Thread-safe; give this to the model request."""
        self.fraction = fraction


@asynccontextmanager
async def shown_after(
    ctx: Context, after_s: float, text: Callable[[int], str]
) -> AsyncIterator[Progress]:
    """Yields a ``Progress``; if the block is still running after ``after_s`` a status
    message ``text(percent)`` appears and is edited every ``EDIT_EVERY_S``."""
    progress = Progress()

    async def show() -> None:
        await asyncio.sleep(after_s)
        message: ProgressMessage = await ctx.progress(text(round(100 * progress.fraction)))
        while True:
            await asyncio.sleep(EDIT_EVERY_S)
            await message.update(text(round(100 * progress.fraction)))

    task = asyncio.create_task(show())
    try:
        async with ctx.busy("upload_photo"):
            yield progress
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
