"""Sova's own load: messages per hour or per day from the interaction log (``messages``).

Every inbound message is a row with ``created_at``; counting them per hour (or day) in the
administrator's time zone gives the series. A period with no row is a real zero (a quiet
night), not a gap, so it is counted as 0 rather than interpolated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select

from bot.storage import Database, MessageRow
from plugins.forecast.series import FREQUENCIES, Frequency, PreparedSeries

HOURLY_UP_TO = timedelta(days=7)
"""Horizons up to a week are forecast per hour (daily rhythm visible); longer ones per day."""


@dataclass(frozen=True, slots=True)
class LoadWindow:
    """The periods ``[start, end)`` of one frequency, in a time zone."""

    start: datetime
    end: datetime
    frequency: Frequency


def load_frequency(horizon: timedelta) -> Frequency:
    return FREQUENCIES["hour"] if horizon <= HOURLY_UP_TO else FREQUENCIES["day"]


def window(now: datetime, days: int, frequency: Frequency, tz: ZoneInfo) -> LoadWindow:
    """The last ``days`` complete periods before ``now`` (the current hour or day is left out:
    it is not over, and its count would read as a drop)."""
    local = now.astimezone(tz)
    if frequency.name == "hour":
        end = local.replace(minute=0, second=0, microsecond=0)
    else:
        end = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return LoadWindow(end - timedelta(days=days), end, frequency)


def _step(frequency: Frequency) -> timedelta:
    return timedelta(hours=1) if frequency.name == "hour" else timedelta(days=1)


async def message_counts(db: Database, span: LoadWindow) -> tuple[list[datetime], list[int]]:
    """Messages per period in ``span``; periods without messages are zeros."""
    step = _step(span.frequency)
    periods = int((span.end - span.start) / step)
    counts = [0] * periods
    tz = span.start.tzinfo
    async with db.session() as session:
        stamps = await session.scalars(
            select(MessageRow.created_at).where(
                MessageRow.created_at >= span.start, MessageRow.created_at < span.end
            )
        )
        for stamp in stamps:
            # Wall-clock periods in the admin's zone (a DST change makes one 23- or 25-hour day).
            local = stamp.astimezone(tz).replace(tzinfo=None)
            index = int((local - span.start.replace(tzinfo=None)) / step)
            if 0 <= index < periods:
                counts[index] += 1
    dates = [(span.start + i * step).replace(tzinfo=None) for i in range(periods)]
    return dates, counts


def load_series(
    name: str, dates: list[datetime], counts: list[int], frequency: Frequency
) -> PreparedSeries:
    """The counts trimmed to start at the first message (before it Sova was not running)."""
    values = np.asarray(counts, dtype=float)
    first = int(np.argmax(values > 0)) if values.any() else len(values)
    return PreparedSeries(name, tuple(dates[first:]), values[first:], frequency, ())
