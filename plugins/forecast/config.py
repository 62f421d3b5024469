"""``[plugins.forecast]``: limits on uploads, the default model and the admin load report."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class ForecastConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_file_mb: float = Field(default=10.0, gt=0)
    """Larger files are refused (Telegram bots receive at most 20 MB anyway)."""
    max_rows: int = Field(default=100_000, ge=10)
    """Data rows read from a file; a longer file is refused with the limit named."""
    max_series: int = Field(default=4, ge=1, le=8)
    """Value columns forecast from one file (one panel each on the chart)."""
    max_horizon: int = Field(default=500, ge=1)
    """Most steps ahead; a longer request is cut to this and the user is told."""
    max_history_points: int = Field(default=1000, ge=24)
    """Only the most recent observations are fitted: older ones add time, rarely accuracy
    (1000 hours of hourly data answer in a few seconds, the bus gives a handler 30 s)."""
    method: Literal["auto", "ets", "theta", "ces", "arima", "naive"] = "auto"  # engine.METHODS
    """The model when the user names none: "auto" = the average of ETS, Theta and CES."""
    levels: tuple[int, ...] = (80, 95)
    """Prediction interval levels (percent) drawn and written when the user asks for none."""
    backtest_origins: int = Field(default=3, ge=0, le=10)
    """Rolling-origin backtest windows reported in the summary (0 = no backtest)."""
    load_history_days: int = Field(default=28, ge=2, le=366)
    """Days of Sova's own message log the load forecast learns from."""
    report_enabled: bool = True
    """Send administrators a weekly report of forecast vs actual load."""
    report_cron: str = "0 9 * * mon"
    """When the report goes out (crontab, scheduler time zone; day names, not numbers)."""

    @field_validator("levels")
    @classmethod
    def _levels_are_percentages(cls, levels: tuple[int, ...]) -> tuple[int, ...]:
        if not levels or any(not 50 <= level <= 99 for level in levels):
            raise ValueError("levels must be one or more percentages between 50 and 99")
        return tuple(sorted(set(levels)))

    @field_validator("report_cron")
    @classmethod
    def _cron_is_valid(cls, cron: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        CronTrigger.from_crontab(cron)  # raises ValueError with what is wrong
        return cron
