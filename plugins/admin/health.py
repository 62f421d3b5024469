"""/health: is the database answering, is the scheduler running, how busy is the bus.

Each check catches its own failure: a health report that crashes when something is down
would be useless exactly when it is needed.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version

from sqlalchemy import text

from bot.bus import SubscriptionStats
from bot.plugins import PluginRuntime
from bot.scheduler import ScheduledJob

Translate = Callable[..., str]


def sova_version() -> str:
    try:
        return version("sova")
    except PackageNotFoundError:
        return "unknown"


async def database_line(runtime: PluginRuntime, t: Translate) -> str:
    start = time.perf_counter()
    try:
        async with runtime.db.session() as session:
            await session.execute(text("SELECT 1"))
    except Exception as exc:
        return t("health_db_down", error=f"{type(exc).__name__}: {exc}"[:200])
    ms = (time.perf_counter() - start) * 1000
    return t("health_db_ok", ms=f"{ms:.1f}", dialect=runtime.db.dialect)


async def scheduler_line(runtime: PluginRuntime, t: Translate) -> str:
    # The scheduler has no public "running" flag; listing jobs works exactly when it runs.
    try:
        jobs: list[ScheduledJob] = await runtime.scheduler.jobs()
    except Exception as exc:
        return t("health_scheduler_down", error=f"{type(exc).__name__}: {exc}"[:200])
    return t("health_scheduler_ok", jobs=len(jobs))


def bus_lines(runtime: PluginRuntime, t: Translate) -> list[str]:
    # ``stats()`` is the memory bus's, not part of the Bus protocol: shown when offered.
    stats_method = getattr(runtime.bus, "stats", None)
    if not callable(stats_method):
        return [t("health_bus_no_stats")]
    lines = [t("health_bus_header")]
    for stats in stats_method():
        if isinstance(stats, SubscriptionStats):
            lines.append(
                t(
                    "health_bus_line",
                    topic=stats.topic,
                    group=stats.group,
                    queued=stats.queued,
                    in_flight=stats.in_flight,
                    handled=stats.handled,
                    failed=stats.failed + stats.timed_out,
                )
            )
    return lines


def format_uptime(seconds: float, t: Translate) -> str:
    minutes, _ = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    return t("health_uptime_value", days=days, hours=hours, minutes=minutes)


async def health_report(runtime: PluginRuntime, t: Translate, started: float) -> str:
    registry = runtime.plugin_registry()
    enabled = sum(registry.is_enabled(name) for name in registry.plugins)
    lines = [
        t("health_header", version=sova_version(), python=platform.python_version()),
        await database_line(runtime, t),
        await scheduler_line(runtime, t),
        *bus_lines(runtime, t),
        t("health_plugins", enabled=enabled, total=len(registry.plugins)),
        t("health_uptime", uptime=format_uptime(time.monotonic() - started, t)),
    ]
    return "\n".join(lines)
