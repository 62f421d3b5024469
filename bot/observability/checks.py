"""Readiness checks: named probes combined into the ``ready()`` callable ``OpsServer`` needs."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

# A probe answers "is this part usable now?"; it may be sync (a flag) or async (a query).
Probe = Callable[[], bool | Awaitable[bool]]


class ReadinessChecks:
    """``await checks()`` → ``(all ok, {name: "ok" | "failed" | "error: ..."})``.

    Probes run concurrently, each bounded by ``timeout_s``: a database that hangs must turn
    the instance unready, not hang the load balancer's probe.
    """

    def __init__(self, timeout_s: float = 2.0) -> None:
        self.timeout_s = timeout_s
        self._probes: dict[str, Probe] = {}

    def add(self, name: str, probe: Probe) -> ReadinessChecks:
        self._probes[name] = probe
        return self

    async def __call__(self) -> tuple[bool, dict[str, str]]:
        names = list(self._probes)
        results = await asyncio.gather(*(self._run(self._probes[n]) for n in names))
        checks = dict(zip(names, results, strict=True))
        return all(r == "ok" for r in results), checks

    async def _run(self, probe: Probe) -> str:
        try:
            async with asyncio.timeout(self.timeout_s):
                result = probe()
                ok = await result if inspect.isawaitable(result) else result
        except TimeoutError:
            return f"error: no answer within {self.timeout_s:g} s"
        except Exception as exc:
            return f"error: {type(exc).__name__}: {exc}"
        return "ok" if ok else "failed"


def sql_ping(engine: AsyncEngine) -> Callable[[], Awaitable[bool]]:
    """A probe that runs ``SELECT 1`` on ``engine`` (``Database.engine``)."""

    async def ping() -> bool:
        async with engine.connect() as connection:
            return (await connection.execute(text("SELECT 1"))).scalar() == 1

    return ping
