"""Long polling: a getUpdates loop that confirms an update only once it has been handed on.

A small loop of our own rather than ``Dispatcher.start_polling``: aiogram's loop confirms an
update even when handling it failed (and handles updates concurrently, losing their order),
while here an update whose hand-off failed (the bus is stopping) stays unconfirmed, so
Telegram delivers it again on the next start — the store de-duplicates on the update id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from aiogram import Bot
from aiogram.methods import GetUpdates
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

log = logging.getLogger(__name__)

Handle = Callable[[Update], Awaitable[None]]

BACKOFF = BackoffConfig(min_delay=1.0, max_delay=30.0, factor=1.6, jitter=0.1)


class UpdatePoller:
    """Runs ``handle`` for every update, in order, in a background task."""

    def __init__(
        self,
        bot: Bot,
        handle: Handle,
        *,
        allowed_updates: Sequence[str],
        timeout_s: int = 25,
        backoff: BackoffConfig = BACKOFF,
    ) -> None:
        self._bot = bot
        self._handle = handle
        self._allowed = list(allowed_updates)
        self._timeout_s = timeout_s
        self._backoff = backoff
        self._offset: int | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="telegram-polling")

    async def stop(self) -> None:
        """End the loop (an open long poll is abandoned) and confirm what was handled."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if self._offset is not None:
            # Confirm handled updates now rather than on the next start; best effort.
            confirm = GetUpdates(
                offset=self._offset, timeout=0, limit=1, allowed_updates=self._allowed
            )
            try:
                await self._bot(confirm, request_timeout=5)
            except Exception as exc:
                log.info("could not confirm handled updates on stop: %s", exc)

    async def _run(self) -> None:
        backoff = Backoff(self._backoff)
        # The HTTP request must outlive the long poll it carries.
        request_timeout = int(self._bot.session.timeout) + self._timeout_s
        while True:
            method = GetUpdates(
                offset=self._offset, timeout=self._timeout_s, allowed_updates=self._allowed
            )
            try:
                updates = await self._bot(method, request_timeout=request_timeout)
            except Exception as exc:
                delay = next(backoff)
                log.warning("getUpdates failed (%s); retrying in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                continue
            try:
                for update in updates:
                    await self._handle(update)
                    self._offset = update.update_id + 1
            except Exception as exc:
                # E.g. the bus is stopping: leave the update unconfirmed, it comes again.
                delay = next(backoff)
                log.warning("handing on an update failed (%r); fetched again in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                continue
            backoff.reset()
