"""What a forecast says in words needs numbers first: the trend and the seasonality.

- Trend: the forecast's mean over its first ``k`` steps against the same ``k`` periods one
  season earlier (January–June against last January–June, so the season does not pass for a
  trend), or, without seasonality, against the last ``k`` observations; ``k`` is the horizon,
  at most one season. Within ±``FLAT_PCT`` it is flat.
- Seasonality: the strength of the seasonal component of a classical additive decomposition,
  ``max(0, 1 − var(remainder) / var(season + remainder))`` (Hyndman & Athanasopoulos, FPP3
  §4.3), with the season's highest and lowest positions; it needs two full seasons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FLAT_PCT = 2.0
STRONG_SEASON = 0.6
WEAK_SEASON = 0.3


@dataclass(frozen=True, slots=True)
class Trend:
    direction: str  # up | down | flat
    pct: float  # forecast mean vs the compared periods' mean, percent
    span: int  # periods compared
    season_ago: bool  # compared with the same periods one season earlier


@dataclass(frozen=True, slots=True)
class Seasonality:
    strength: str  # strong | weak | none | unknown
    period: int
    peak: int | None = None  # position in the season (0 = the first period of the cycle)
    trough: int | None = None


def trend(history: npt.NDArray[np.float64], mean: npt.NDArray[np.float64], season: int) -> Trend:
    season_ago = season > 1 and history.size >= season
    if season_ago:
        span = min(mean.size, season)
        recent = float(np.mean(history[history.size - season :][:span]))
    else:
        span = max(1, min(mean.size, history.size, 12))
        recent = float(np.mean(history[-span:]))
    ahead = float(np.mean(mean[:span]))
    scale = abs(recent) if recent else float(np.mean(np.abs(history))) or 1.0
    pct = 100 * (ahead - recent) / scale
    direction = "flat" if abs(pct) < FLAT_PCT else ("up" if pct > 0 else "down")
    return Trend(direction, pct, span, season_ago)


def seasonality(history: npt.NDArray[np.float64], period: int, first_position: int) -> Seasonality:
    """``first_position`` is where in the cycle the first observation falls (e.g. its month
    index), so the peak is reported as a calendar position."""
    if period <= 1:
        return Seasonality("none", period)
    if history.size < 2 * period:
        return Seasonality("unknown", period)
    weights = (
        np.r_[0.5, np.ones(period - 1), 0.5] / period
        if period % 2 == 0
        else np.ones(period) / period
    )
    moving = np.convolve(history, weights, mode="valid")
    offset = (history.size - moving.size) // 2
    detrended = history[offset : offset + moving.size] - moving
    positions = (np.arange(moving.size) + offset + first_position) % period
    profile = np.array([detrended[positions == p].mean() for p in range(period)])
    profile -= profile.mean()
    remainder = detrended - profile[positions]
    total = float(np.var(detrended))
    strength = max(0.0, 1 - float(np.var(remainder)) / total) if total > 0 else 0.0
    if strength < WEAK_SEASON:
        return Seasonality("none", period)
    label = "strong" if strength >= STRONG_SEASON else "weak"
    return Seasonality(label, period, int(np.argmax(profile)), int(np.argmin(profile)))
