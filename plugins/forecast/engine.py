"""The forecasting engine: statsforecast models, Sova's default combination, intervals.

Sova's default (``auto``) is the plain average of three models from different families, each
fitted with its own automatic selection:

- ``AutoETS`` — exponential smoothing (error, trend, season: additive, multiplicative, damped),
  the state-space form with the model chosen by AICc;
- ``DynamicOptimizedTheta`` — the optimised theta method (a theta line with a fitted
  coefficient on a seasonally adjusted series), the best of statsforecast's theta variants
  on the M3 monthly data;
- ``AutoCES`` — complex exponential smoothing, which tracks level and a slowly changing trend
  without choosing a discrete trend type.

Why a fixed combination and not a per-series choice: on the 1,428 monthly M3 series, choosing
the best of these (or of pairs) per series on a held-out last window scored sMAPE 14.06 /
MASE 0.847, the fixed average 13.63 / 0.829, at about half the cost
(``bench/forecast_m3.py``, ``bench/README.md``). A single user's series still gets a
rolling-origin backtest (``backtest``), which the summary reports. ``forecast_checked`` (what
the plugin and the benchmark run) lets it decide only when the evidence is overwhelming
(``choose``: at least ``MIN_WINDOWS`` windows, one model's error at most ``CLEARLY_BETTER`` of
the average's and ``MIN_GAIN`` points lower) — e.g. a clean seasonal series with trend that ETS
continues exactly while Theta misses the season. On the M3 monthly and quarterly series that
margin is never reached, so the benchmark figures are the average's: with looser margins
(one model at half the average's error) it fired on a few series and made them worse on the
test part, as the per-series hold-out choice above does. Short of the margin, the summary
points out a model that did better and the user can ask for it ("only ETS").

Prediction intervals come from the models, not from conformal calibration: a single model's
own intervals (ETS from its state-space variance, Theta from its residual variance, CES by
simulation); for the combination, the average forecast ± the average distance of ETS's and
Theta's bounds from their own forecasts, per level and per step (CES's simulated intervals
would cost ten times its fit and are left out of the width).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Array = npt.NDArray[np.float64]

METHODS = ("auto", "ets", "theta", "ces", "arima", "naive")
COMBINED = ("ets", "theta", "ces")
MIN_POINTS = 3
"""Fewer observations cannot be forecast at all."""
MIN_POINTS_FOR_MODELS = 10
"""Below this, only the theta method (simple exponential smoothing with drift) is fitted:
ETS and CES estimate too many parameters from so few points (statsforecast's ETS refuses)."""
MAX_ETS_SEASON = 24
"""statsforecast's ETS has no seasonal models above this season length."""
MAX_ARIMA_SEASON = 24
"""A seasonal ARIMA with a longer season is too slow for a chat answer."""
MIN_WINDOWS = 2
"""The backtest decides only from at least this many windows."""
CLEARLY_BETTER = 1 / 3
"""One model replaces the average when its backtest sMAPE is at most this share of the
average's... On the M3 monthly series a share of 0.5 picked ETS on 6 of the 1,428 series, 5 of
them worse on the test part (sMAPE 13.632 against 13.625), and 0.4 on one, worse; a third
picks none there nor on the quarterly sums."""
MIN_GAIN = 0.5
"""... and at least this many percentage points lower (0.1 % against 0.4 % is no evidence)."""


@dataclass(frozen=True, slots=True)
class Forecast:
    """Point forecast and intervals of one series, and how they were made."""

    mean: Array
    bounds: dict[int, tuple[Array, Array]]
    """Level (80, 95) → lower and upper bound, one value per step."""
    method: str
    """What was asked for: ``auto`` (the combination) or one model's name."""
    models: tuple[str, ...]
    """The fitted models as named in the summary, e.g. ``ETS(M,Ad,M)``."""
    season_length: int
    """The season length the models used (1 = no seasonality)."""
    notes: tuple[str, ...] = ()
    """Locale keys of warnings: ``short_for_season``, ``very_short``, ``constant``, ..."""
    forms: dict[str, str] = field(default_factory=dict)
    """The form each automatic model chose (ETS ``AAdM``, CES ``P``): the backtest refits
    that form instead of searching again, which would cost ten times as much."""
    components: dict[str, Fit] = field(default_factory=dict)
    """With ``auto``: each combined model's own fit by key (``ets``, ``theta``, ``ces``), for
    ``forecast_checked`` to pick from."""
    chosen: str | None = None
    """With ``auto``: the model the backtest chose instead of the average (``choose``)."""


@dataclass(frozen=True, slots=True)
class Fit:
    """One model's forecast: its name for the summary, the point forecast, its own intervals
    (empty when not computed) and the form its automatic selection chose."""

    name: str
    mean: Array
    bounds: dict[int, tuple[Array, Array]] = field(default_factory=dict)
    form: str | None = None


def _model(name: str, season_length: int, form: str | None = None) -> Any:
    # Imported when a forecast is made: statsforecast pulls in pandas and takes a second to
    # import, which Sova's start should not pay.
    from statsforecast.models import (
        AutoARIMA,
        AutoCES,
        AutoETS,
        DynamicOptimizedTheta,
        Naive,
        SeasonalNaive,
    )

    if name == "ets":
        season = season_length if season_length <= MAX_ETS_SEASON else 1
        if form:  # "AAdM": error A, damped additive trend, multiplicative season
            return AutoETS(season_length=season, model=form.replace("d", ""), damped="d" in form)
        return AutoETS(season_length=season)
    if name == "theta":
        return DynamicOptimizedTheta(season_length=season_length)
    if name == "ces":
        return AutoCES(season_length=season_length, model=form or "Z")
    if name == "arima":
        return AutoARIMA(season_length=season_length if season_length <= MAX_ARIMA_SEASON else 1)
    if name == "naive":
        return SeasonalNaive(season_length=season_length) if season_length > 1 else Naive()
    raise ValueError(f"unknown model {name!r}")


def _describe(name: str, model: Any) -> str:
    fitted = getattr(model, "model_", None)
    if name == "ets" and isinstance(fitted, dict) and "method" in fitted:
        return str(fitted["method"])
    if name == "arima" and fitted is not None:
        from statsforecast.arima import arima_string

        text: str = arima_string(fitted)  # type: ignore[no-untyped-call]
        return text.split(" with ", maxsplit=1)[0].replace(" ", "")
    if name == "naive":
        return "SeasonalNaive" if getattr(model, "season_length", 1) > 1 else "Naive"
    return {"theta": "Theta", "ces": "CES"}[name]


def _form(name: str, model: Any) -> str | None:
    fitted = getattr(model, "model_", None)
    if not isinstance(fitted, dict):
        return None
    if name == "ets" and "method" in fitted:  # "ETS(A,Ad,M)" → "AAdM"
        return str(fitted["method"])[4:-1].replace(",", "")
    if name == "ces" and "seasontype" in fitted:
        return str(fitted["seasontype"])
    return None


def _fit_one(
    name: str,
    y: Array,
    h: int,
    season_length: int,
    levels: Sequence[int],
    form: str | None = None,
) -> Fit:
    """Fit one model (in ``form`` when given); ``levels=()`` asks for the point forecast only."""
    model = _model(name, season_length, form)
    with warnings.catch_warnings():
        # statsforecast warns about e.g. non-positive data for multiplicative models; the
        # fits fall back by themselves and nothing of it is for the user.
        warnings.simplefilter("ignore")
        out = (
            model.fit(y).predict(h=h, level=list(levels)) if levels else model.fit(y).predict(h=h)
        )
    mean = np.asarray(out["mean"], dtype=float)
    bounds = {
        level: (
            np.asarray(out[f"lo-{level}"], dtype=float),
            np.asarray(out[f"hi-{level}"], dtype=float),
        )
        for level in levels
    }
    values = [mean, *(b for pair in bounds.values() for b in pair)]
    if any(v.shape != (h,) or not np.all(np.isfinite(v)) for v in values):
        raise FloatingPointError(f"{name} gave a non-finite forecast")
    return Fit(_describe(name, model), mean, bounds, _form(name, model))


def _combine(
    fits: Sequence[Fit], levels: Sequence[int]
) -> tuple[Array, dict[int, tuple[Array, Array]]]:
    """The average forecast; its bounds sit at the average distance of the components' bounds
    from their own forecasts (only components that computed intervals take part)."""
    mean = np.mean([f.mean for f in fits], axis=0)
    with_bounds = [f for f in fits if f.bounds] or list(fits)
    bounds = {
        level: (
            mean - np.mean([f.mean - f.bounds[level][0] for f in with_bounds], axis=0),
            mean + np.mean([f.bounds[level][1] - f.mean for f in with_bounds], axis=0),
        )
        for level in levels
    }
    return mean, bounds


def plan(n: int, season_length: int, method: str) -> tuple[tuple[str, ...], int, tuple[str, ...]]:
    """Which models to fit, with which season length, and the warnings that go with it."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")
    notes: list[str] = []
    if season_length > 1 and n < 2 * season_length:
        # Fewer than two full seasons: a seasonal pattern cannot be told from noise.
        season_length = 1
        notes.append("short_for_season")
    names = COMBINED if method == "auto" else (method,)
    if n < MIN_POINTS_FOR_MODELS and method != "naive":
        names = ("theta",)
        notes.append("very_short")
    return names, season_length, tuple(notes)


def forecast(
    y: Sequence[float] | Array,
    h: int,
    *,
    season_length: int,
    method: str = "auto",
    levels: Sequence[int] = (80, 95),
) -> Forecast:
    """Forecast ``h`` steps of ``y`` (regular, no gaps) with ``method``."""
    values = np.asarray(y, dtype=float)
    if values.size < MIN_POINTS:
        raise ValueError(f"need at least {MIN_POINTS} observations, got {values.size}")
    levels = tuple(sorted(set(levels)))
    if np.ptp(values) == 0:
        # Every model agrees on a constant; their variance estimates are 0/0 at best.
        flat = np.full(h, values[-1])
        return Forecast(
            flat, {lv: (flat, flat) for lv in levels}, method, ("Naive",), 1, ("constant",)
        )
    names, season, notes = plan(values.size, season_length, method)
    # CES's intervals are simulated (ten times its fitting time); in the combination, ETS's
    # and Theta's analytic ones carry the width.
    if len(names) > 1:
        keyed = {
            name: _fit_or_none(name, values, h, season, () if name == "ces" else levels)
            for name in names
        }
    else:
        keyed = dict(zip(names, _fit_all(names, values, h, season, levels), strict=True))
    fitted = {name: fit for name, fit in keyed.items() if fit is not None}
    extra: tuple[str, ...] = ()
    if not fitted:
        fallback = _fit_all(("naive",), values, h, 1, levels)[0]
        fitted = {"naive": fallback} if fallback is not None else {}
        extra = ("fallback_naive",)
    if not fitted:
        raise FloatingPointError("no model could forecast this series")
    fits = list(fitted.values())
    if len(fits) == 1:
        mean, bounds = fits[0].mean, fits[0].bounds
    else:
        mean, bounds = _combine(fits, levels)
    forms = {name: fit.form for name, fit in fitted.items() if fit.form and not extra}
    return Forecast(
        mean,
        bounds,
        method,
        tuple(f.name for f in fits),
        season,
        notes + extra,
        forms,
        fitted if method == "auto" and not extra else {},
    )


def forecast_checked(
    y: Sequence[float] | Array,
    h: int,
    *,
    season_length: int,
    method: str = "auto",
    levels: Sequence[int] = (80, 95),
    origins: int = 3,
) -> tuple[Forecast, Backtest]:
    """Sova's forecast as the plugin makes it: ``forecast``; with ``auto``, the rolling-origin
    ``backtest`` over ``origins`` windows, and one model's own forecast and intervals instead
    of the average when the backtest shows it clearly better (``choose``)."""
    values = np.asarray(y, dtype=float)
    result = forecast(values, h, season_length=season_length, method=method, levels=levels)
    if not origins or method != "auto" or len(result.components) < 2:
        return result, Backtest({}, 0, 0)
    check = backtest(
        values, h, season_length=result.season_length, origins=origins, forms=result.forms
    )
    best = choose(check, result.components)
    if best is None:
        return result, check
    fit = result.components[best]
    levels = tuple(sorted(set(levels)))
    if levels and not fit.bounds:  # CES: its simulated intervals, for this one series
        refit = _fit_or_none(best, values, h, result.season_length, levels, result.forms.get(best))
        if refit is None:
            return result, check
        fit = replace(refit, name=fit.name)
    chosen = replace(result, mean=fit.mean, bounds=fit.bounds, models=(fit.name,), chosen=best)
    return chosen, check


def choose(check: Backtest, available: Iterable[str]) -> str | None:
    """The model whose backtest error is clearly below the average's, or ``None`` (keep the
    average): from at least ``MIN_WINDOWS`` windows, at most ``CLEARLY_BETTER`` of the
    average's error and ``MIN_GAIN`` percentage points lower."""
    errors = check.errors
    candidates = [name for name in available if name in errors]
    if check.windows < MIN_WINDOWS or "auto" not in errors or len(candidates) < 2:
        return None
    best = min(candidates, key=errors.__getitem__)
    gain = errors["auto"] - errors[best]
    return best if errors[best] <= CLEARLY_BETTER * errors["auto"] and gain >= MIN_GAIN else None


def _fit_or_none(
    name: str,
    y: Array,
    h: int,
    season_length: int,
    levels: Sequence[int],
    form: str | None = None,
) -> Fit | None:
    """The fit, or ``None`` when the model failed (it is then left out of the average)."""
    try:
        return _fit_one(name, y, h, season_length, levels, form)
    except Exception as exc:
        log.info("forecast: %s failed on %d points: %s", name, y.size, exc)
        return None


def _fit_all(
    names: Sequence[str],
    y: Array,
    h: int,
    season_length: int,
    levels: Sequence[int],
    forms: Mapping[str, str] | None = None,
) -> list[Fit | None]:
    forms = forms or {}
    return [_fit_or_none(name, y, h, season_length, levels, forms.get(name)) for name in names]


def smape(actual: Array, predicted: Array) -> float:
    """Symmetric MAPE as in the M3 competition, in percent (0/0 counts as no error)."""
    denominator = np.abs(actual) + np.abs(predicted)
    ratio = np.divide(
        2 * np.abs(actual - predicted),
        denominator,
        out=np.zeros_like(denominator),
        where=denominator > 0,
    )
    return float(100 * np.mean(ratio))


@dataclass(frozen=True, slots=True)
class Backtest:
    """Rolling-origin sMAPE (percent) per candidate, over ``windows`` windows of ``steps``."""

    errors: dict[str, float]
    windows: int
    steps: int


def backtest(
    y: Sequence[float] | Array,
    h: int,
    *,
    season_length: int,
    origins: int,
    candidates: Sequence[str] = ("auto", *COMBINED),
    forms: Mapping[str, str] | None = None,
) -> Backtest:
    """Refit on ``y`` up to each of the last ``origins`` cut points (``h`` apart) and score
    the next ``h`` points. No windows when the series is too short to leave a training part
    of two seasons (or ``MIN_POINTS_FOR_MODELS``) before the first cut. ``forms`` (from the
    full series' ``Forecast``) fixes each model's form, so a window is one fit per model."""
    values = np.asarray(y, dtype=float)
    h = max(1, min(h, values.size // 4))
    scores: dict[str, list[float]] = {c: [] for c in candidates}
    windows = 0
    for k in range(origins, 0, -1):
        cut = values.size - k * h
        if cut < max(MIN_POINTS_FOR_MODELS, 2 * season_length if season_length > 1 else 0):
            continue
        windows += 1
        train, test = values[:cut], values[cut : cut + h]
        per_model = _component_forecasts(train, h, season_length, forms)
        for candidate in candidates:
            predicted = _candidate(candidate, per_model)
            if predicted is not None:
                scores[candidate].append(smape(test, predicted[: test.size]))
    return Backtest({c: float(np.mean(s)) for c, s in scores.items() if s}, windows, h)


def _component_forecasts(
    train: Array, h: int, season_length: int, forms: Mapping[str, str] | None
) -> dict[str, Array]:
    if np.ptp(train) == 0:
        return {name: np.full(h, train[-1]) for name in COMBINED}
    names, season, _ = plan(train.size, season_length, "auto")
    fits = _fit_all(names, train, h, season, (), forms if season == season_length else None)
    return {name: fit.mean for name, fit in zip(names, fits, strict=False) if fit is not None}


def _candidate(name: str, per_model: dict[str, Array]) -> Array | None:
    if name == "auto":
        return np.mean(list(per_model.values()), axis=0) if per_model else None
    return per_model.get(name)
