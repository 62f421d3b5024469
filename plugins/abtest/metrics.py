"""Metrics are declarations: which rows of the interaction log, and how to fold them per user.

A ``Metric`` names a source table (messages or feedback), an optional row filter, and an
aggregate; ``metric_query`` turns any declaration into one SQL statement that returns, for
every user exposed to the experiment, the value after their exposure and (for CUPED) the
same aggregate over the ``pre_days`` before it. Adding a metric is adding a line to
``METRICS``; no report code changes.

Only rows after the user's exposure count (the turn that exposed them is not a consequence
of the variant), and, for a stopped experiment, only rows until it stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, SQLColumnExpression, and_, case, func, null, select
from sqlalchemy.sql.elements import ColumnElement

from bot.storage import FeedbackRow, MessageRow
from plugins.abtest.sql import DaysAfter, JsonValuesSum
from plugins.abtest.tables import ExposureRow


class Aggregate(StrEnum):
    COUNT = "count"  # rows per user (0 without any): a per-user mean metric
    MEAN = "mean"  # mean value over the user's rows; users without rows have no value
    ANY = "any"  # 1 if the user has a row, else 0: a conversion
    RETURNED = "returned"  # 1 if the user has a row on day N after exposure: retention


class Source(StrEnum):
    MESSAGES = "messages"
    FEEDBACK = "feedback"


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a metric is evaluated: one experiment, until ``end``."""

    experiment_id: int
    plugin: str  # the plugin whose parameter is under test ("voice" for "voice.reply_mode")
    end: datetime
    pre_days: int


Where = Callable[[Scope], ColumnElement[bool]]
Value = Callable[[], SQLColumnExpression[Any]]


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    source: Source
    aggregate: Aggregate
    where: Where | None = None
    value: Value | None = None  # for MEAN
    day: int = 0  # for RETURNED
    higher_is_better: bool = True

    @property
    def has_pre_period(self) -> bool:
        # "Came back on day N" has no meaning before the user met the experiment.
        return self.aggregate is not Aggregate.RETURNED


def _failed(scope: Scope) -> ColumnElement[bool]:
    return MessageRow.outcome.in_(("error", "timeout"))


METRICS: dict[str, Metric] = {
    metric.name: metric
    for metric in (
        Metric("messages", Source.MESSAGES, Aggregate.COUNT),
        Metric(
            "used",
            Source.MESSAGES,
            Aggregate.ANY,
            where=lambda scope: MessageRow.plugin == scope.plugin,
        ),
        Metric("rated", Source.FEEDBACK, Aggregate.ANY),
        Metric("liked", Source.FEEDBACK, Aggregate.ANY, where=lambda scope: FeedbackRow.value > 0),
        Metric("rating", Source.FEEDBACK, Aggregate.MEAN, value=lambda: FeedbackRow.value),
        Metric("retention_d1", Source.MESSAGES, Aggregate.RETURNED, day=1),
        Metric("retention_d7", Source.MESSAGES, Aggregate.RETURNED, day=7),
        Metric(
            "latency_ms",
            Source.MESSAGES,
            Aggregate.MEAN,
            value=lambda: JsonValuesSum(MessageRow.latency_ms),
            higher_is_better=False,
        ),
        Metric("errors", Source.MESSAGES, Aggregate.ANY, where=_failed, higher_is_better=False),
    )
}


def _columns(source: Source) -> tuple[Any, Any, Any]:
    """(id, user id, time) columns of a source table."""
    if source is Source.MESSAGES:
        return MessageRow.id, MessageRow.user_id, MessageRow.created_at
    return FeedbackRow.id, FeedbackRow.user_id, FeedbackRow.created_at


def metric_query(metric: Metric, scope: Scope) -> Select[tuple[str, Any, Any]]:
    """Rows of (variant, value after exposure, value in the pre-period) per exposed user.

    A LEFT JOIN keeps users without any matching row: their COUNT and ANY are 0, their MEAN
    is NULL (no value). The pre-period column is NULL for metrics without one.
    """
    exposure = ExposureRow
    row_id, user_id, created_at = _columns(metric.source)
    after = created_at > exposure.exposed_at
    before = created_at < exposure.exposed_at
    start = (
        DaysAfter(exposure.exposed_at, -scope.pre_days)
        if metric.has_pre_period and scope.pre_days > 0
        else exposure.exposed_at
    )
    joined = [user_id == exposure.user_id, created_at >= start, created_at <= scope.end]
    if metric.where is not None:
        joined.append(metric.where(scope))
    post: ColumnElement[Any]
    pre: ColumnElement[Any] | None = None
    match metric.aggregate:
        case Aggregate.COUNT:
            post = func.count(case((after, row_id)))
            pre = func.count(case((before, row_id)))
        case Aggregate.ANY:
            post = func.max(case((after, 1), else_=0))
            pre = func.max(case((before, 1), else_=0))
        case Aggregate.MEAN:
            if metric.value is None:
                raise ValueError(f"metric {metric.name}: a mean needs a value")
            value = metric.value()
            post = func.avg(case((after, value)))
            pre = func.avg(case((before, value)))
        case Aggregate.RETURNED:
            on_day = and_(
                created_at >= DaysAfter(exposure.exposed_at, metric.day),
                created_at < DaysAfter(exposure.exposed_at, metric.day + 1),
            )
            post = func.max(case((on_day, 1), else_=0))
    if not metric.has_pre_period or scope.pre_days <= 0:
        pre = None
    source_table = MessageRow if metric.source is Source.MESSAGES else FeedbackRow
    query = (
        select(
            exposure.variant,
            post.label("value"),
            (pre if pre is not None else null()).label("pre"),
        )
        .select_from(exposure)
        .outerjoin(source_table, and_(*joined))
        .where(exposure.experiment_id == scope.experiment_id)
        .group_by(exposure.user_id, exposure.variant)
    )
    if metric.aggregate is Aggregate.RETURNED:
        # Only users whose day N is over: the others cannot have come back on it yet.
        query = query.where(exposure.exposed_at <= scope.end - timedelta(days=metric.day + 1))
    return query
