"""The operations HTTP server: ``/metrics``, ``/healthz`` and ``/readyz``.

It is separate from the Telegram webhook and demo servers so it can listen on a private
interface only, and so scrapes and probes keep working whichever channels run.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.observability.metrics import Metrics

log = logging.getLogger(__name__)

Ready = Callable[[], Awaitable[tuple[bool, dict[str, str]]]]


class OpsServer:
    """``async with server:`` (or ``start()``/``stop()``); ``port=0`` binds any free port,
    which ``server.port`` then reports."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        metrics: Metrics,
        ready: Ready,
        ready_timeout_s: float = 5.0,
    ) -> None:
        self.host = host
        self._port = port
        self.metrics = metrics
        self._ready = ready
        self._ready_timeout_s = ready_timeout_s
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int:
        if self._runner is None or not self._runner.addresses:
            return self._port
        return int(self._runner.addresses[0][1])

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        return app

    async def start(self) -> None:
        # No access log: a scrape every few seconds and probes every second would drown it.
        runner = web.AppRunner(self.build_app(), access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self._port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        log.info("ops endpoints on http://%s:%d (/metrics /healthz /readyz)", self.host, self.port)

    async def __aenter__(self) -> OpsServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(
            body=self.metrics.render(), headers={"Content-Type": Metrics.CONTENT_TYPE}
        )

    async def _healthz(self, request: web.Request) -> web.Response:
        # Liveness only: the event loop answers. Dependencies belong to /readyz, or a
        # database outage would make the orchestrator restart every healthy instance.
        return web.json_response({"status": "ok"})

    async def _readyz(self, request: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(self._ready_timeout_s):
                ok, checks = await self._ready()
        except TimeoutError:
            ok, checks = False, {"ready": f"error: no answer within {self._ready_timeout_s:g} s"}
        except Exception as exc:
            ok, checks = False, {"ready": f"error: {type(exc).__name__}: {exc}"}
        if ok:
            return web.json_response({"status": "ok", "checks": checks})
        failing = {name: result for name, result in checks.items() if result != "ok"}
        body = {"status": "unavailable", "checks": failing or checks}
        return web.json_response(body, status=503)
