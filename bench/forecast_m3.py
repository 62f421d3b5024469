"""M3 benchmark of Sova's forecasting engine against plain statsforecast, in one run.

    python -m bench.forecast_m3 --data ../shared/data/forecasting/m3_monthly_series.csv \
        --out bench/out/forecast_m3.json [--limit N] [--aggregate quarterly|yearly]

Every series is forecast by Sova's default exactly as the plugin makes it
(``plugins.forecast.engine.forecast_checked`` with the plugin's default settings: the average
of AutoETS, optimised Theta and CES with its 80/95 % intervals, then the rolling-origin
backtest on the training part — never the test part — which replaces the average by one model
when that model is clearly better there; its time is in Sova's ``seconds``), by plain
``AutoETS``, by seasonal naive, by Naive2 (the M4 competition's benchmark, for
OWA) and by the standard Theta method. The models take turns series by series, so load from
other processes on the machine hits them alike; ``seconds`` is each model's own fitting time.

sMAPE is the M3 definition (mean of 200·|y−ŷ|/(|y|+|ŷ|), percent); MASE divides by the
in-sample mean absolute seasonal difference (lag = the season length, 1 for yearly and
"other"); OWA = ½ (sMAPE/sMAPE_Naive2 + MASE/MASE_Naive2), from the averages over all series.
``--aggregate`` sums the monthly series into quarters or years (a new period the default was
not chosen on); the test part is summed the same way and the horizon shrinks with it.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bench.output import write_json
from plugins.forecast.config import ForecastConfig
from plugins.forecast.engine import forecast_checked

Array = npt.NDArray[np.float64]

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "forecasting" / "m3_monthly_series.csv"
SEASON_LENGTHS = {"MONTHLY": 12, "QUARTERLY": 4, "YEARLY": 1, "OTHER": 1}
AGGREGATES = {"quarterly": (3, "QUARTERLY"), "yearly": (12, "YEARLY")}
DEFAULTS = ForecastConfig()
"""The plugin's defaults: method ``auto``, levels 80/95, 3 backtest origins, history cap."""
LEVELS = tuple(DEFAULTS.levels)
# The reference figures (1,428 monthly series, 2 cores, statsforecast 2.1.1).
REFERENCE = (
    ("Naive2", 16.76, 1.038, 1.000, 0.3),
    ("standard Theta", 13.83, 0.861, 0.827, 1.2),
    ("AutoETS", 14.16, 0.863, 0.838, 46.0),
    ("mean of AutoETS + AutoTheta + AutoARIMA", 13.85, 0.829, 0.813, 529.0),
)


@dataclass(frozen=True, slots=True)
class Series:
    series_id: str
    train: Array
    test: Array
    season_length: int


def load_series(path: Path, *, aggregate: str | None = None) -> list[Series]:
    out: list[Series] = []
    with path.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            train = np.array(row["train"].split(), dtype=float)
            test = np.array(row["test"].split(), dtype=float)[: int(row["h"])]
            period = (row.get("period") or "MONTHLY").strip().upper()
            if aggregate:
                block, period = AGGREGATES[aggregate]
                train, test = _sum_blocks(train, block), _sum_blocks(test, block, from_end=False)
                if test.size == 0:
                    continue
            out.append(Series(row["series_id"], train, test, SEASON_LENGTHS.get(period, 1)))
    return out


def _sum_blocks(values: Array, block: int, *, from_end: bool = True) -> Array:
    """Sums of consecutive ``block``-long runs; the train keeps its last full blocks (they
    touch the test part), the test its first ones."""
    whole = values.size // block * block
    kept = values[values.size - whole :] if from_end else values[:whole]
    return np.asarray(kept.reshape(-1, block).sum(axis=1), dtype=float)


# -- metrics ---------------------------------------------------------------------------------
def smape(actual: Array, predicted: Array) -> float:
    return float(np.mean(200 * np.abs(actual - predicted) / (np.abs(actual) + np.abs(predicted))))


def mase(train: Array, actual: Array, predicted: Array, season_length: int) -> float:
    lag = season_length if train.size > season_length else 1
    scale = float(np.mean(np.abs(train[lag:] - train[:-lag])))
    return float(np.mean(np.abs(actual - predicted))) / scale if scale > 0 else float("nan")


# -- Naive2 (M4's benchmark): naive on the series seasonally adjusted when it is seasonal ----
def _acf(values: Array, lag: int) -> float:
    centred = values - values.mean()
    return float(np.sum(centred[lag:] * centred[:-lag]) / np.sum(centred**2))


def _is_seasonal(values: Array, m: int) -> bool:
    if m <= 1 or values.size < 3 * m:
        return False
    acfs = [_acf(values, k) for k in range(1, m + 1)]
    limit = 1.645 * np.sqrt((1 + 2 * sum(a * a for a in acfs[:-1])) / values.size)
    return bool(abs(acfs[-1]) > limit)


def _seasonal_indices(values: Array, m: int) -> Array:
    """Classical multiplicative decomposition: ratios to a centred moving average."""
    # A 2×m moving average for an even m keeps the average centred on a period.
    weights = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m
    trend = np.convolve(values, weights, mode="valid")
    offset = (values.size - trend.size) // 2
    ratios = values[offset : offset + trend.size] / trend
    positions = (np.arange(trend.size) + offset) % m
    indices = np.array([ratios[positions == p].mean() for p in range(m)])
    return np.asarray(indices * m / indices.sum(), dtype=float)


def naive2(train: Array, h: int, m: int) -> Array:
    if not _is_seasonal(train, m):
        return np.full(h, train[-1])
    indices = _seasonal_indices(train, m)
    positions = np.arange(train.size + h) % m
    adjusted = train / indices[positions[: train.size]]
    return np.asarray(adjusted[-1] * indices[positions[train.size :]], dtype=float)


# -- the models --------------------------------------------------------------------------------
class ModelFailed(Exception):
    """A baseline could not fit a series; it is scored on the naive forecast instead."""

    def __init__(self, fallback: Array) -> None:
        super().__init__("model failed")
        self.fallback = fallback


def _statsforecast(make: Callable[[int], Any]) -> Callable[[Series], tuple[Array, Any]]:
    def run(series: Series) -> tuple[Array, Any]:
        try:
            out = make(series.season_length).forecast(y=series.train, h=series.test.size)
        except Exception as exc:  # e.g. AutoETS's "tiny datasets" on short yearly series
            raise ModelFailed(np.full(series.test.size, series.train[-1])) from exc
        return np.asarray(out["mean"], dtype=float), None

    return run


def _sova(series: Series) -> tuple[Array, Any]:
    # As plugins.forecast.forecasting.forecast_series does: the same history cap, method,
    # levels and backtest; only the training part is passed, so the test part is never seen.
    result, check = forecast_checked(
        series.train[-DEFAULTS.max_history_points :],
        series.test.size,
        season_length=series.season_length,
        method=DEFAULTS.method,
        levels=LEVELS,
        origins=DEFAULTS.backtest_origins,
    )
    for key in (f"windows_{check.windows}", result.chosen):
        if key:
            _BACKTEST[key] = _BACKTEST.get(key, 0) + 1
    return result.mean, result.bounds


_BACKTEST: dict[str, int] = {}
"""Series per number of backtest windows (``windows_3``), and per model the backtest chose
instead of the average (``ets``, ...)."""


def _models() -> dict[str, Callable[[Series], tuple[Array, Any]]]:
    from statsforecast.models import AutoETS, SeasonalNaive, Theta

    return {
        "sova": _sova,
        "autoets": _statsforecast(lambda m: AutoETS(season_length=m)),
        "seasonal_naive": _statsforecast(lambda m: SeasonalNaive(season_length=m)),
        "naive2": lambda s: (naive2(s.train, s.test.size, s.season_length), None),
        "theta": _statsforecast(lambda m: Theta(season_length=m)),
    }


def run(series: list[Series]) -> dict[str, Any]:
    models = _models()
    seconds = dict.fromkeys(models, 0.0)
    failures = dict.fromkeys(models, 0)
    smapes: dict[str, list[float]] = {name: [] for name in models}
    mases: dict[str, list[float]] = {name: [] for name in models}
    inside = dict.fromkeys(LEVELS, 0)
    points = 0
    for i, s in enumerate(series):
        for name, model in models.items():
            started = time.perf_counter()
            try:
                predicted, bounds = model(s)
            except ModelFailed as failed:
                predicted, bounds = failed.fallback, None
                failures[name] += 1
            seconds[name] += time.perf_counter() - started
            smapes[name].append(smape(s.test, predicted))
            mases[name].append(mase(s.train, s.test, predicted, s.season_length))
            if bounds is not None:
                for level, (low, high) in bounds.items():
                    inside[level] += int(np.sum((s.test >= low) & (s.test <= high)))
        points += s.test.size
        if (i + 1) % 100 == 0:
            print(f"{i + 1}/{len(series)} series", file=sys.stderr)
    result = _summarise(smapes, mases, seconds, inside, points, len(series))
    result["failures"] = {name: n for name, n in failures.items() if n}
    result["sova_backtest"] = dict(sorted(_BACKTEST.items()))
    return result


def _summarise(
    smapes: dict[str, list[float]],
    mases: dict[str, list[float]],
    seconds: dict[str, float],
    inside: dict[int, int],
    points: int,
    n_series: int,
) -> dict[str, Any]:
    base_smape = float(np.mean(smapes["naive2"]))
    base_mase = float(np.nanmean(mases["naive2"]))
    models: dict[str, dict[str, float]] = {}
    for name, errors in smapes.items():
        s, m = float(np.mean(errors)), float(np.nanmean(mases[name]))
        models[name] = {
            "smape": round(s, 3),
            "mase": round(m, 4),
            "owa": round(0.5 * (s / base_smape + m / base_mase), 4),
            "seconds": round(seconds[name], 2),
        }
    sova = models["sova"]

    def ratios(other: str) -> dict[str, float]:
        ref = models[other]
        return {
            key: round(sova[key] / ref[key], 4) if ref[key] else float("nan")
            for key in ("smape", "mase", "owa", "seconds")
        }

    return {
        "models": models,
        "n_series": n_series,
        "ratios": {
            "sova_vs_autoets": ratios("autoets"),
            "sova_vs_seasonal_naive": ratios("seasonal_naive"),
        },
        "sova_interval_coverage": {
            str(level): round(inside[level] / points, 4) for level in LEVELS
        },
    }


def _row(name: str, smape_: float, mase_: float, owa: float, seconds: float) -> str:
    return f"| {name:<42} | {smape_:>7.2f} | {mase_:.3f} | {owa:.3f} | {seconds:>7.1f} |"


def print_table(result: dict[str, Any], title: str) -> None:
    print(title)
    print(f"| {'model':<42} | sMAPE % | MASE  | OWA   | seconds |")
    print(f"|{'-' * 44}|---------|-------|-------|---------|")
    for name, m in result["models"].items():
        print(_row(name, m["smape"], m["mase"], m["owa"], m["seconds"]))
    for r in ("sova_vs_autoets", "sova_vs_seasonal_naive"):
        ratio = result["ratios"][r]
        print(
            f"{r}: sMAPE ×{ratio['smape']}, MASE ×{ratio['mase']}, OWA ×{ratio['owa']}, "
            f"time ×{ratio['seconds']}"
        )
    for name, count in result["failures"].items():
        print(f"{name} failed on {count} series (scored on the naive forecast there)")
    found = result["sova_backtest"]
    windows = ", ".join(f"{n} with {k[8:]}" for k, n in found.items() if k.startswith("windows_"))
    chosen = ", ".join(f"{n} by {k}" for k, n in found.items() if not k.startswith("windows_"))
    print(f"Sova's backtest windows per series: {windows}; average replaced: {chosen or 'never'}")
    coverage = result["sova_interval_coverage"]
    print(f"Sova interval coverage: 80 % → {coverage['80']:.1%}, 95 % → {coverage['95']:.1%}")
    print("The issue's reference (1,428 monthly series):")
    for name, s, m, owa, secs in REFERENCE:
        print(_row(name, s, m, owa, secs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="series CSV (M3 format)")
    parser.add_argument("--out", type=Path, help="write the JSON here")
    parser.add_argument("--limit", type=int, help="only the first N series (a quick look)")
    parser.add_argument("--aggregate", choices=sorted(AGGREGATES), help="sum into a new period")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"{args.data}: not found; nothing to measure")
        return 0
    series = load_series(args.data, aggregate=args.aggregate)[: args.limit]
    warnings.simplefilter("ignore")  # statsforecast's fitting warnings, thousands of them
    started = time.perf_counter()
    result = run(series)
    result["data"] = str(args.data)
    result["aggregate"] = args.aggregate
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    print_table(
        result,
        f"{result['n_series']} series from {args.data.name}"
        + (f", summed {args.aggregate}" if args.aggregate else ""),
    )
    if args.out:
        write_json(args.out, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
