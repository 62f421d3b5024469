"""Horizons in words → steps of the data's own frequency."""

from __future__ import annotations

from datetime import datetime

import pytest

from plugins.forecast.horizon import Horizon, default_steps, parse_horizon
from plugins.forecast.series import FREQUENCIES

LAST = datetime(2024, 6, 1)  # the June 2024 period
NOW = datetime(2024, 7, 10)


@pytest.mark.parametrize(
    ("text", "frequency", "steps"),
    [
        ("спрогнозируй на 6 месяцев", "month", 6),
        ("forecast the next 12 weeks", "week", 12),
        ("forecast the next 12 weeks", "month", 3),
        ("на полгода", "month", 6),
        ("на полгода", "week", 26),
        ("next month", "day", 30),
        ("на неделю", "hour", 168),
        ("на два года", "quarter", 8),
        ("for 18 months", "month", 18),
        ("на 3 дня", "day", 3),
        ("на завтра", "hour", 24),
        ("на 1,5 года", "month", 18),
        ("до конца года", "month", 6),  # July .. December
        ("until the end of the year", "quarter", 2),
        ("до конца года", "day", 213),
        ("next 3 days", "month", 1),  # shorter than one step: one step
    ],
)
def test_horizon_in_steps(text: str, frequency: str, steps: int) -> None:
    found = parse_horizon(text, FREQUENCIES[frequency], last=LAST, now=NOW, max_steps=500)
    assert found == Horizon(steps)


def test_end_of_year_when_the_data_reach_december_means_next_year() -> None:
    found = parse_horizon(
        "до конца года", FREQUENCIES["month"], last=datetime(2024, 12, 1), now=NOW, max_steps=99
    )
    assert found == Horizon(12)


def test_too_long_is_capped_and_flagged() -> None:
    found = parse_horizon("на 5 лет", FREQUENCIES["day"], last=LAST, now=NOW, max_steps=500)
    assert found == Horizon(500, capped=True)


@pytest.mark.parametrize("text", ["forecast each column", "спрогнозируй", "", None, "hello"])
def test_no_horizon_named(text: str | None) -> None:
    assert parse_horizon(text, FREQUENCIES["month"], last=LAST, now=NOW, max_steps=500) is None


def test_defaults_per_frequency() -> None:
    assert default_steps(FREQUENCIES["month"]) == 12
    assert default_steps(FREQUENCIES["hour"]) == 48
