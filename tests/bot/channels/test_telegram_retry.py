"""Retry policy: 429 waited out (never dropped), 5xx/network retried with backoff, 4xx not."""

from __future__ import annotations

import contextlib
import random
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from bot.channels.telegram_retry import (
    DeliveryFailed,
    DeliveryRejected,
    DeliveryStats,
    RetryPolicy,
    call_with_retry,
)

METHOD = SendMessage(chat_id=5, text="hi")


class Script:
    """A fake API call that fails as scripted, then answers "ok"."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "ok"


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


async def run(script: Script, sleeps: Sleeps, stats: DeliveryStats, **policy: float) -> str:
    return await call_with_retry(
        script,
        what="sendMessage to chat 5",
        policy=RetryPolicy(**policy),  # type: ignore[arg-type]
        stats=stats,
        sleep=sleeps,
        rng=random.Random(1),
    )


def retry_after(seconds: int) -> TelegramRetryAfter:
    return TelegramRetryAfter(METHOD, "Too Many Requests", retry_after=seconds)


async def test_429_is_waited_out_as_long_as_it_takes() -> None:
    script, sleeps, stats = Script(*[retry_after(3)] * 12), Sleeps(), DeliveryStats()
    assert await run(script, sleeps, stats, max_attempts=2) == "ok"
    assert script.calls == 13  # far beyond max_attempts: a 429 never drops a reply
    assert sleeps.delays == [3.0] * 12
    assert (stats.retry_after, stats.retries, stats.failed) == (12, 12, 0)


async def test_server_errors_are_retried_with_growing_jittered_delays() -> None:
    errors = [TelegramServerError(METHOD, "Internal Server Error") for _ in range(3)]
    script, sleeps, stats = Script(*errors), Sleeps(), DeliveryStats()
    assert await run(script, sleeps, stats, base_delay_s=1.0) == "ok"
    assert script.calls == 4
    # Equal jitter: each delay is in [d/2, d] for d = 1, 2, 4.
    for delay, full in zip(sleeps.delays, [1.0, 2.0, 4.0], strict=True):
        assert full / 2 <= delay <= full
    assert stats.retries == 3
    assert stats.retry_after == 0


async def test_network_errors_give_up_after_max_attempts() -> None:
    errors = [TelegramNetworkError(METHOD, "Connection refused") for _ in range(10)]
    script, sleeps, stats = Script(*errors), Sleeps(), DeliveryStats()
    with pytest.raises(DeliveryFailed, match="after 4 attempts") as info:
        await run(script, sleeps, stats, max_attempts=4)
    assert not isinstance(info.value, DeliveryRejected)
    assert script.calls == 4
    assert len(sleeps.delays) == 3
    assert stats.failed == 1


def http_error(status: int) -> aiohttp.ClientResponseError:
    """What a file download raises on an HTTP error status."""
    url = URL("http://127.0.0.1/file/bot1:x/voice/file_1.oga")
    info = aiohttp.RequestInfo(url, "GET", CIMultiDictProxy(CIMultiDict()), url)
    return aiohttp.ClientResponseError(info, (), status=status)


async def test_file_download_http_errors() -> None:
    script, sleeps, stats = Script(http_error(502)), Sleeps(), DeliveryStats()
    assert await run(script, sleeps, stats) == "ok"
    script = Script(http_error(404))
    with pytest.raises(DeliveryRejected):
        await run(script, sleeps, stats)
    assert script.calls == 1


async def test_bugs_are_not_disguised_as_delivery_errors() -> None:
    script, sleeps, stats = Script(ValueError("bad field")), Sleeps(), DeliveryStats()
    with pytest.raises(ValueError, match="bad field"):
        await run(script, sleeps, stats)
    assert script.calls == 1


async def test_timeouts_are_retried() -> None:
    script, sleeps, stats = Script(TimeoutError()), Sleeps(), DeliveryStats()
    assert await run(script, sleeps, stats) == "ok"
    assert script.calls == 2


@pytest.mark.parametrize(
    ("make_error", "reason"),
    [
        (
            lambda: TelegramForbiddenError(METHOD, "Forbidden: bot was blocked by the user"),
            "blocked by the user",
        ),
        (lambda: TelegramBadRequest(METHOD, "Bad Request: chat not found"), "chat not found"),
        (lambda: TelegramEntityTooLarge(METHOD, "Request Entity Too Large"), "(?i)too large"),
    ],
)
async def test_other_4xx_are_not_retried(make_error: Callable[[], Exception], reason: str) -> None:
    script, sleeps, stats = Script(make_error()), Sleeps(), DeliveryStats()
    with pytest.raises(DeliveryRejected, match=reason) as info:
        await run(script, sleeps, stats)
    assert "sendMessage to chat 5" in str(info.value)
    assert script.calls == 1
    assert sleeps.delays == []
    assert stats.failed == 1


async def test_every_attempt_runs_in_a_rate_limit_slot() -> None:
    events: list[str] = []
    script = Script(retry_after(1), TelegramServerError(METHOD, "Bad Gateway"))

    @contextlib.asynccontextmanager
    async def slot() -> AsyncIterator[None]:
        events.append(f"enter {script.calls}")
        try:
            yield
        finally:
            events.append(f"exit {script.calls}")

    result = await call_with_retry(
        script,
        what="x",
        policy=RetryPolicy(),
        stats=DeliveryStats(),
        sleep=Sleeps(),
        slot=slot,
    )
    assert result == "ok"
    # Each of the three tries (a retried send is a send too) holds its own slot.
    assert events == ["enter 0", "exit 1", "enter 1", "exit 2", "enter 2", "exit 3"]


def test_backoff_is_capped() -> None:
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=5.0)
    rng = random.Random(0)
    assert all(2.5 <= policy.backoff(attempt, rng) <= 5.0 for attempt in range(4, 30))
