"""/export: the interaction log (``messages``) for a date range as a CSV file.

Rows are streamed from the database and written in chunks from a worker thread, so a big
export neither holds every row in memory nor blocks other chats while the file is written.
"""

from __future__ import annotations

import asyncio
import csv
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.storage import Database, MessageRow

KEEP_EXPORTS = 20
CHUNK = 1000
# Column names are a stable, machine-readable schema (scripts read them), so not translated.
COLUMNS = (
    "time", "chat_id", "user_id", "channel", "text", "lang", "intent", "confidence",
    "plugin", "outcome", "error", "latency_total_ms",
)  # fmt: skip
# A cell starting with one of these is a formula to Excel and LibreOffice; user text must
# not run as one on the admin's machine (CSV injection), so it gets a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    rows: int
    truncated: bool  # more rows matched than export_max_rows


def day_range(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """From ``start`` 00:00 to the midnight after ``end``, in the admin's zone."""
    return (
        datetime.combine(start, time(0), tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz),
    )


def _safe(text: str | None) -> str:
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _row(message: Any, tz: ZoneInfo) -> list[object]:
    latency = message.latency_ms if isinstance(message.latency_ms, dict) else {}
    total = round(sum(float(v) for v in latency.values()), 1) if latency else ""
    return [
        message.created_at.astimezone(tz).isoformat(timespec="seconds"),
        message.chat_id,
        message.user_id,
        message.channel,
        _safe(message.text),
        message.lang or "",
        message.intent or "",
        "" if message.confidence is None else round(message.confidence, 3),
        message.plugin or "",
        message.outcome or "",
        _safe(message.error),
        total,
    ]


async def export_messages(
    db: Database, *, start: date, end: date, tz: ZoneInfo, folder: Path, max_rows: int
) -> ExportResult:
    since, until = day_range(start, end, tz)
    columns = (
        MessageRow.created_at, MessageRow.chat_id, MessageRow.user_id, MessageRow.channel,
        MessageRow.text, MessageRow.lang, MessageRow.intent, MessageRow.confidence,
        MessageRow.plugin, MessageRow.outcome, MessageRow.error, MessageRow.latency_ms,
    )  # fmt: skip
    statement = (
        select(*columns)
        .where(MessageRow.created_at >= since, MessageRow.created_at < until)
        .order_by(MessageRow.created_at, MessageRow.id)
        .limit(max_rows + 1)  # one more, to know whether it was cut
        .execution_options(yield_per=CHUNK)
    )
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    stamp = datetime.now(tz).strftime("%Y%m%d-%H%M%S-%f")
    path = folder / f"interactions-{start.isoformat()}-{end.isoformat()}-{stamp}.csv"
    rows = 0
    truncated = False
    # utf-8-sig: with the byte-order mark Excel reads Cyrillic as UTF-8, not as cp1251.
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        async with db.session() as session:
            result = await session.stream(statement)
            async for partition in result.partitions(CHUNK):
                room = max_rows - rows
                truncated = len(partition) > room
                chunk = partition[:room]
                await asyncio.to_thread(writer.writerows, [_row(m, tz) for m in chunk])
                rows += len(chunk)
                if truncated:
                    break
    await asyncio.to_thread(_prune, folder)
    return ExportResult(path=path, rows=rows, truncated=truncated)


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("interactions-*.csv"), key=lambda p: p.stat().st_mtime)
    for old in files[:-KEEP_EXPORTS]:
        old.unlink(missing_ok=True)
