from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from bot.observability import Metrics, OpsServer, ReadinessChecks, sql_ping

State = dict[str, bool]


@pytest.fixture
async def server() -> AsyncIterator[tuple[OpsServer, State]]:
    state = {"bus": True}
    engine = create_async_engine("sqlite+aiosqlite:///:memory:")
    checks = ReadinessChecks(timeout_s=1).add("database", sql_ping(engine))
    checks.add("bus", lambda: state["bus"])
    metrics = Metrics()
    metrics.observe_turn("ok", {"nlu": 12.0})
    ops = OpsServer("127.0.0.1", 0, metrics=metrics, ready=checks)
    await ops.start()
    try:
        yield ops, state
    finally:
        await ops.stop()
        await engine.dispose()


async def get(ops: OpsServer, path: str) -> tuple[int, str, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{ops.port}{path}") as response,
    ):
        return response.status, response.headers["Content-Type"], await response.text()


async def test_metrics_endpoint(server: tuple[OpsServer, State]) -> None:
    ops, _ = server
    assert ops.port != 0
    status, content_type, body = await get(ops, "/metrics")
    assert status == 200
    assert content_type == "text/plain; version=0.0.4; charset=utf-8"
    assert 'sova_messages_total{outcome="ok"} 1.0' in body
    assert 'sova_stage_latency_seconds_count{stage="nlu"} 1.0' in body


async def test_healthz(server: tuple[OpsServer, State]) -> None:
    status, content_type, body = await get(server[0], "/healthz")
    assert status == 200
    assert content_type.startswith("application/json")
    assert json.loads(body) == {"status": "ok"}


async def test_readyz_reports_failing_checks(server: tuple[OpsServer, State]) -> None:
    ops, state = server
    status, _, body = await get(ops, "/readyz")
    assert status == 200
    assert json.loads(body) == {
        "status": "ok",
        "checks": {"database": "ok", "bus": "ok"},
    }
    state["bus"] = False
    status, _, body = await get(ops, "/readyz")
    assert status == 503
    assert json.loads(body) == {
        "status": "unavailable",
        "checks": {"bus": "failed"},
    }


async def test_readyz_is_503_when_ready_raises_or_a_probe_hangs() -> None:
    async def broken() -> tuple[bool, dict[str, str]]:
        raise RuntimeError("boom")

    async with OpsServer("127.0.0.1", 0, metrics=Metrics(), ready=broken) as ops:
        status, _, body = await get(ops, "/readyz")
    assert status == 503
    assert "RuntimeError: boom" in body


async def test_probe_timeout_and_error_are_reported() -> None:
    async def hangs() -> bool:
        await asyncio.sleep(10)
        return True

    def raises() -> bool:
        raise OSError("connection refused")

    checks = ReadinessChecks(timeout_s=0.05).add("slow", hangs).add("db", raises)
    ok, results = await checks()
    assert not ok
    assert results == {
        "slow": "error: no answer within 0.05 s",
        "db": "error: OSError: connection refused",
    }
