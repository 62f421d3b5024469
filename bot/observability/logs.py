"""JSON log lines and per-turn log context (trace id, chat id).

Inside ``with log_context(trace_id, chat_id):`` every record gets ``trace_id`` and
``chat_id`` attributes from ``LogContextFilter``, whichever logger wrote it, so all lines of
one message can be grepped by its trace id. ``contextvars`` rather than a logger adapter:
each bus handler runs in its own task with its own copy of the context, so concurrent turns
of different chats never see each other's ids, and code deep in storage or a plugin needs no
extra argument.
"""

from __future__ import annotations

import contextvars
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

CONTEXT_FIELDS = ("trace_id", "chat_id")

_trace_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("trace_id", default=None)
_chat_id: contextvars.ContextVar[int | str | None] = contextvars.ContextVar(
    "chat_id", default=None
)


@contextmanager
def log_context(trace_id: str | None, chat_id: int | str | None = None) -> Iterator[None]:
    """Tag every record logged inside the block (in this task) with these ids."""
    trace_token = _trace_id.set(trace_id)
    chat_token = _chat_id.set(chat_id)
    try:
        yield
    finally:
        _chat_id.reset(chat_token)
        _trace_id.reset(trace_token)


class LogContextFilter(logging.Filter):
    """Adds ``trace_id``/``chat_id`` from ``log_context`` to each record; an explicit
    ``extra={"trace_id": ...}`` wins. Attach it to the *handlers*: a filter on a logger does
    not see records propagated from its children."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "trace_id", None) is None:
            record.trace_id = _trace_id.get()
        if getattr(record, "chat_id", None) is None:
            record.chat_id = _chat_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts (UTC, ISO 8601), level, logger, message, and trace_id,
    chat_id, exc when present. Non-ASCII stays readable (Russian messages)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: a stray non-JSON value in an extra must not lose the log line.
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_handlers(handlers: list[logging.Handler], *, json_lines: bool) -> None:
    """Give ``handlers`` the context filter and, with ``json_lines``, the JSON formatter
    (before ``logging.basicConfig``, which only sets a formatter where none is set)."""
    for handler in handlers:
        handler.addFilter(LogContextFilter())
        if json_lines:
            handler.setFormatter(JsonFormatter())
