"""What to do when a Bot API call fails: wait out 429s, back off on 5xx and network errors,
give up at once on other 4xx.

- ``TelegramRetryAfter`` (429): wait ``retry_after`` seconds and try again, however often it
  takes — a reply is never dropped because Telegram asked us to slow down.
- Network errors, timeouts and 5xx: exponential backoff with jitter, at most
  ``max_attempts`` tries, then ``DeliveryFailed`` (the reply is marked failed and resent on
  the next start). A request that timed out may have reached Telegram, so a retry can
  duplicate a message: at-least-once is the price of never losing one.
- Any other API error (403 blocked by the user, 400 chat not found, 404, 413 file too large):
  ``DeliveryRejected`` at once; trying again would get the same answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TypeVar

import aiohttp
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramEntityTooLarge,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

Sleep = Callable[[float], Awaitable[None]]


# Worth another try. ClientDecodeError: a proxy's HTML error page instead of the API's JSON.
_TRANSIENT = (
    TelegramNetworkError,
    TelegramServerError,
    ClientDecodeError,
    aiohttp.ClientError,
    TimeoutError,
)


def _permanent(exc: Exception) -> bool:
    """An answer that will not change if asked again: a 4xx other than 429."""
    if isinstance(exc, TelegramEntityTooLarge):
        return True  # a TelegramNetworkError (413), but the file stays too large
    if isinstance(exc, aiohttp.ClientResponseError):  # a file download's HTTP status
        return exc.status < 500 and exc.status != 429
    return isinstance(exc, TelegramAPIError) and not isinstance(exc, _TRANSIENT)


class DeliveryFailed(RuntimeError):
    """Telegram could not be reached (or kept failing) after every allowed attempt."""


class DeliveryRejected(DeliveryFailed):
    """Telegram refused the request; retrying would not help (blocked, chat not found, ...)."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 5  # for network errors and 5xx; 429s are waited out without a limit
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Delay before try ``attempt + 1``: doubling, capped, half of it random ("equal
        jitter") so that many chats failing together do not retry in lockstep."""
        delay = min(self.max_delay_s, self.base_delay_s * 2.0 ** (attempt - 1))
        return delay / 2 + rng.uniform(0, delay / 2)


@dataclass(slots=True)
class DeliveryStats:
    """Counters on the channel until proper metrics exist."""

    sent: int = 0  # successful Bot API calls that send or edit a message
    retry_after: int = 0  # 429 answers waited out
    retries: int = 0  # calls repeated for any reason (429 included)
    failed: int = 0  # calls given up on (rejected or out of attempts)


async def call_with_retry(
    call: Callable[[], Awaitable[T]],
    *,
    what: str,
    policy: RetryPolicy,
    stats: DeliveryStats,
    slot: Callable[[], AbstractAsyncContextManager[object]] | None = None,
    sleep: Sleep = asyncio.sleep,
    rng: random.Random | None = None,
) -> T:
    """Run ``call`` under ``policy``; ``what`` names the call in errors. Every try runs
    inside ``slot()`` (the rate limiter's: a retried send is a send too)."""
    rng = rng or random.Random()
    failures = 0
    while True:
        try:
            async with slot() if slot is not None else contextlib.nullcontext():
                result = await call()
        except TelegramRetryAfter as exc:
            stats.retry_after += 1
            stats.retries += 1
            log.warning("%s: Telegram asks to wait %ss (429); waiting", what, exc.retry_after)
            await sleep(float(exc.retry_after))
            continue
        except Exception as exc:
            if _permanent(exc):
                stats.failed += 1
                raise DeliveryRejected(f"{what}: refused, not retried: {exc}") from exc
            if not isinstance(exc, _TRANSIENT):
                raise  # not a delivery problem: a bug, let it show as it is
            failures += 1
            if failures >= policy.max_attempts:
                stats.failed += 1
                raise DeliveryFailed(
                    f"{what}: Telegram unreachable or failing after {failures} attempts: {exc}"
                ) from exc
            delay = policy.backoff(failures, rng)
            stats.retries += 1
            log.warning("%s failed (%s); retry %d in %.1fs", what, exc, failures, delay)
            await sleep(delay)
            continue
        return result
