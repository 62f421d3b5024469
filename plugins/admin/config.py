"""``[plugins.admin]`` options, validated at start-up like every plugin's config."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AdminConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Messages per second a broadcast sends at most. Telegram allows about 30/s per bot in
    # total; staying below leaves room for the bot's normal answers during a broadcast.
    broadcast_rate_per_s: float = Field(default=20.0, gt=0, le=1000)
    # How often the admin's progress message is updated while a broadcast runs (seconds);
    # Telegram limits edits too, so not after every batch.
    broadcast_progress_every_s: float = Field(default=5.0, ge=0)
    # /export refuses to write more rows than this (the file goes through Telegram: 50 MB).
    export_max_rows: int = Field(default=100_000, ge=1)
    # Days of history in the /stats chart.
    chart_days: int = Field(default=14, ge=2, le=90)
