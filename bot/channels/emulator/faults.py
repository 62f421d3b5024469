"""Error injection and the record of API calls, so tests can break things and measure rates."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from bot.channels.emulator.errors import ApiError, default_description


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One Bot API request as the emulator saw it.

    ``at`` is ``time.monotonic()`` when the request arrived, before its body was read, so
    the gaps between calls measure the bot's send rate and not the emulator's work.
    """

    method: str
    params: dict[str, Any]
    at: float
    status: int


@dataclass(slots=True)
class _PlannedFailure:
    status: int
    retry_after: int | None
    description: str
    remaining: int


class FaultInjector:
    """Answers the next calls of a method with an error instead of running them."""

    def __init__(self) -> None:
        self._planned: dict[str, deque[_PlannedFailure]] = {}

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        if times < 1:
            raise ValueError("times must be at least 1")
        # retry_after only means something on a 429, as in Telegram's answers.
        effective_retry = retry_after if status == 429 else None
        self._planned.setdefault(method.lower(), deque()).append(
            _PlannedFailure(
                status=status,
                retry_after=effective_retry,
                description=description or default_description(status, effective_retry),
                remaining=times,
            )
        )

    def take(self, method: str) -> ApiError | None:
        """The error to answer this call with, if one is planned (and count it as used)."""
        queue = self._planned.get(method.lower())
        if not queue:
            return None
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining == 0:
            queue.popleft()
        return ApiError(failure.status, failure.description, retry_after=failure.retry_after)

    def clear(self) -> None:
        self._planned.clear()


class CallLog:
    def __init__(self) -> None:
        self.calls: list[ApiCall] = []

    def record(
        self, method: str, params: dict[str, Any], status: int, at: float | None = None
    ) -> None:
        """Log a call; ``at`` is when its request arrived (default: now)."""
        self.calls.append(ApiCall(method, params, time.monotonic() if at is None else at, status))

    def of(self, method: str) -> list[ApiCall]:
        wanted = method.lower()
        return [call for call in self.calls if call.method.lower() == wanted]
