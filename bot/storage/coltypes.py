"""Column types that make both backends hand back the same Python values."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that always returns timezone-aware UTC datetimes.

    PostgreSQL keeps the instant (timestamptz); SQLite has no time-zone type and returns
    naive values. Storing UTC and re-attaching UTC on the way out makes both backends
    equal. Naive datetimes are refused: their zone is a guess, and a wrong guess would
    shift reminders by hours without anyone noticing.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}; pass a timezone-aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
