"""Operations: Prometheus metrics, health/readiness endpoints and JSON logs with trace ids."""

from bot.observability.checks import ReadinessChecks, sql_ping
from bot.observability.http import OpsServer
from bot.observability.logs import (
    JsonFormatter,
    LogContextFilter,
    configure_handlers,
    log_context,
)
from bot.observability.metrics import Metrics

__all__ = [
    "JsonFormatter",
    "LogContextFilter",
    "Metrics",
    "OpsServer",
    "ReadinessChecks",
    "configure_handlers",
    "log_context",
    "sql_ping",
]
