"""/stats numbers: users, messages, intents, latency, errors and replies, from SQL aggregates.

Written for SQLite and PostgreSQL alike: counts per day are ``SUM(CASE ...)`` over day
boundaries computed in Python (in the admin's time zone), not a date function, whose name
and time-zone handling differ between the two. Percentiles are computed in Python over a
bounded sample of recent ``latency_ms`` values (the JSON column is not aggregable in SQL
portably).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, distinct, func, select

from bot.storage import Database, MessageRow, Outcome, ReplyRow, ReplyStatus, UserRow

TOP_INTENTS = 5
LATENCY_SAMPLE = 5000  # the most recent messages of the week used for percentiles
TOTAL_STAGE = "total"
WEEK = timedelta(days=7)

Translate = Callable[..., str]


@dataclass(frozen=True, slots=True)
class StageLatency:
    stage: str
    p50: float
    p95: float
    count: int


@dataclass(frozen=True, slots=True)
class Stats:
    at: datetime
    users_total: int
    active_today: int
    active_week: int
    messages_today: int
    messages_week: int
    finished_week: int  # messages of the week with an outcome (the error-rate denominator)
    errors_week: int  # outcome error or timeout
    replies_pending: int
    replies_failed_week: int
    top_intents: list[tuple[str, int]]
    latency: list[StageLatency]
    per_day: list[tuple[date, int]] = field(default_factory=list)

    @property
    def error_rate(self) -> float | None:
        return self.errors_week / self.finished_week if self.finished_week else None


def day_starts(now: datetime, tz: ZoneInfo, days: int) -> list[datetime]:
    """Local midnights of the last ``days`` days (oldest first) and of tomorrow, aware."""
    today = now.astimezone(tz).date()
    first = today - timedelta(days=days - 1)
    return [
        datetime.combine(first + timedelta(days=n), time(0), tzinfo=tz) for n in range(days + 1)
    ]


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of an ascending sequence (``q`` in 0..100)."""
    if not sorted_values:
        raise ValueError("no values")
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def stage_latencies(samples: Sequence[dict[str, float]]) -> list[StageLatency]:
    """p50/p95 per pipeline stage and of the whole turn, stages in pipeline order."""
    values: dict[str, list[float]] = {}
    for sample in samples:
        for stage, ms in sample.items():
            values.setdefault(stage, []).append(float(ms))
        if sample:
            values.setdefault(TOTAL_STAGE, []).append(sum(float(v) for v in sample.values()))
    order = ["record", "user", "asr", "nlu", "dialogue", "handler"]
    stages = sorted(
        values, key=lambda s: (s == TOTAL_STAGE, order.index(s) if s in order else len(order), s)
    )
    result = []
    for stage in stages:
        ordered = sorted(values[stage])
        result.append(
            StageLatency(stage, percentile(ordered, 50), percentile(ordered, 95), len(ordered))
        )
    return result


async def collect(db: Database, *, now: datetime, tz: ZoneInfo, days: int) -> Stats:
    starts = day_starts(now, tz, days)
    today_start, week_start = starts[-2], now - WEEK
    since = min(starts[0], week_start)
    created = MessageRow.created_at

    def count_if(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    failed_outcomes = (Outcome.ERROR.value, Outcome.TIMEOUT.value)
    counts = select(
        count_if(created >= today_start),
        count_if(created >= week_start),
        func.count(distinct(case((created >= today_start, MessageRow.user_id)))),
        func.count(distinct(case((created >= week_start, MessageRow.user_id)))),
        count_if((created >= week_start) & MessageRow.outcome.is_not(None)),
        count_if((created >= week_start) & MessageRow.outcome.in_(failed_outcomes)),
        *(count_if((created >= a) & (created < b)) for a, b in itertools.pairwise(starts)),
    ).where(created >= since)
    intents = (
        select(MessageRow.intent, func.count().label("n"))
        .where(created >= week_start, MessageRow.intent.is_not(None))
        .group_by(MessageRow.intent)
        .order_by(func.count().desc(), MessageRow.intent)
        .limit(TOP_INTENTS)
    )
    latency = (
        select(MessageRow.latency_ms)
        .where(created >= week_start, MessageRow.latency_ms.is_not(None))
        .order_by(MessageRow.id.desc())
        .limit(LATENCY_SAMPLE)
    )
    replies = select(
        count_if(ReplyRow.status == ReplyStatus.PENDING.value),
        count_if(
            (ReplyRow.status == ReplyStatus.FAILED.value) & (ReplyRow.created_at >= week_start)
        ),
    ).where(ReplyRow.status.in_((ReplyStatus.PENDING.value, ReplyStatus.FAILED.value)))
    async with db.session() as session:
        users_total = int(await session.scalar(select(func.count()).select_from(UserRow)) or 0)
        row = (await session.execute(counts)).one()
        top = [(str(name), int(n)) for name, n in (await session.execute(intents)).all()]
        samples = [s for s in await session.scalars(latency) if isinstance(s, dict)]
        pending, failed = (await session.execute(replies)).one()
    numbers = [int(v or 0) for v in row]
    per_day = [(start.date(), n) for start, n in zip(starts[:-1], numbers[6:], strict=True)]
    return Stats(
        at=now,
        users_total=users_total,
        messages_today=numbers[0],
        messages_week=numbers[1],
        active_today=numbers[2],
        active_week=numbers[3],
        finished_week=numbers[4],
        errors_week=numbers[5],
        replies_pending=int(pending or 0),
        replies_failed_week=int(failed or 0),
        top_intents=top,
        latency=stage_latencies(samples),
        per_day=per_day,
    )


def format_stats(stats: Stats, t: Translate, tz: ZoneInfo) -> str:
    """The compact text of /stats; ``t`` is the admin's ``ctx.t``."""
    rate = stats.error_rate
    lines = [
        t("stats_header", at=stats.at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), tz=str(tz)),
        t(
            "stats_users",
            total=stats.users_total,
            today=stats.active_today,
            week=stats.active_week,
        ),
        t("stats_messages", today=stats.messages_today, week=stats.messages_week),
        t(
            "stats_errors",
            rate="—" if rate is None else f"{rate * 100:.1f}%",
            errors=stats.errors_week,
            finished=stats.finished_week,
        ),
        t("stats_replies", pending=stats.replies_pending, failed=stats.replies_failed_week),
    ]
    if stats.top_intents:
        top = ", ".join(f"{name} {n}" for name, n in stats.top_intents)
        lines.append(t("stats_intents", intents=top))
    else:
        lines.append(t("stats_intents", intents="—"))
    if stats.latency:
        lines.append(t("stats_latency_header"))
        lines += [
            t("stats_latency_line", stage=s.stage, p50=f"{s.p50:.0f}", p95=f"{s.p95:.0f}")
            for s in stats.latency
        ]
    return "\n".join(lines)
