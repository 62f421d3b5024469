"""A broadcast "something changed" signal for long-polling waiters."""

from __future__ import annotations

import asyncio
import contextlib


class ChangeSignal:
    """Wakes every current waiter on ``notify``; later waiters wait for the next one.

    A waiter checks its condition and then calls ``wait`` without awaiting in between, so
    (asyncio being single-threaded) no change can slip through unseen.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, max_wait_s: float) -> None:
        """Return on the next ``notify`` or after ``max_wait_s``, whichever is first."""
        event = self._event
        if max_wait_s <= 0:
            return
        # asyncio.timeout, not wait_for: Python 3.11's wait_for can swallow a cancellation
        # that races with the event being set, and a cancelled waiter would then run on.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max_wait_s):
                await event.wait()
