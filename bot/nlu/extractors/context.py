"""What every typed extractor needs to know besides the text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class ParseContext:
    lang: str
    now: datetime  # aware; relative expressions ("через 2 минуты") count from here
    tz: ZoneInfo  # the user's zone: results are expressed in it
    default_time: time = time(9, 0)  # the time of day for a bare date ("завтра")

    @property
    def local_now(self) -> datetime:
        return self.now.astimezone(self.tz)


@dataclass(frozen=True, slots=True)
class Found:
    """A value located inside a longer text; offsets are into that text."""

    value: object
    start: int
    end: int
