"""The engine on series whose answer is known, and its fallbacks."""

from __future__ import annotations

import numpy as np
import pytest

from plugins.forecast import engine
from plugins.forecast.engine import backtest, forecast, smape
from tests.plugins.forecast.samples import seasonal_trend


def test_seasonal_sine_with_trend_is_continued() -> None:
    history = seasonal_trend(72)
    truth = seasonal_trend(72 + 12)[72:]
    result = forecast(history, 12, season_length=12)
    assert result.method == "auto"
    assert len(result.models) == 3 and result.models[0].startswith("ETS(")
    assert smape(truth, result.mean) < 2.0  # within 2 % of the exact continuation
    # The season is kept: the forecast peaks where the sine does (3 steps into a cycle).
    assert int(np.argmax(result.mean)) == 3
    for level, (low, high) in result.bounds.items():
        assert np.all(low <= result.mean) and np.all(result.mean <= high), level
    assert np.all(result.bounds[95][0] <= result.bounds[80][0])
    assert np.all(result.bounds[95][1] >= result.bounds[80][1])


def test_constant_series_is_flat_with_zero_width_intervals() -> None:
    result = forecast(np.full(30, 7.5), 6, season_length=12)
    assert np.all(result.mean == 7.5)
    for low, high in result.bounds.values():
        assert np.all(high - low == 0)
    assert "constant" in result.notes


def test_noisy_level_gets_intervals_that_cover_the_noise() -> None:
    rng = np.random.default_rng(1)
    history = 50 + rng.normal(0, 2, 120)
    result = forecast(history, 10, season_length=12)
    low, high = result.bounds[95]
    assert np.all(np.abs(result.mean - 50) < 2)
    assert np.all((high - low) > 4) and np.all((high - low) < 16)  # ≈ ±1.96 σ with σ = 2


def test_fewer_than_two_seasons_drops_the_season_and_says_so() -> None:
    result = forecast(seasonal_trend(18), 6, season_length=12)
    assert result.season_length == 1
    assert "short_for_season" in result.notes


def test_very_short_series_uses_the_simplest_model() -> None:
    result = forecast([3.0, 4.0, 3.5, 5.0, 4.5], 3, season_length=12)
    assert result.models == ("Theta",)
    assert "very_short" in result.notes
    assert np.all(np.isfinite(result.mean))


def test_fewer_than_three_points_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        forecast([1.0, 2.0], 3, season_length=1)


@pytest.mark.parametrize(("method", "prefix"), [("ets", "ETS("), ("theta", "Theta"),
                                                 ("naive", "SeasonalNaive")])  # fmt: skip
def test_a_named_model_is_used_alone(method: str, prefix: str) -> None:
    result = forecast(seasonal_trend(48), 6, season_length=12, method=method, levels=(90,))
    assert len(result.models) == 1 and result.models[0].startswith(prefix)
    assert list(result.bounds) == [90]


def test_failing_models_fall_back_to_naive(monkeypatch: pytest.MonkeyPatch) -> None:
    real = engine._fit_one

    def only_naive(name: str, *args: object, **kwargs: object) -> engine._Fit:
        if name != "naive":
            raise FloatingPointError("diverged")
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_fit_one", only_naive)
    result = forecast(seasonal_trend(40), 4, season_length=12)
    assert result.models == ("Naive",)
    assert "fallback_naive" in result.notes
    assert np.all(result.mean == seasonal_trend(40)[-1])


def test_backtest_scores_each_model_and_the_average() -> None:
    found = backtest(seasonal_trend(60), 6, season_length=12, origins=3)
    assert found.windows == 3 and found.steps == 6
    assert set(found.errors) == {"auto", "ets", "theta", "ces"}
    assert all(0 <= e < 10 for e in found.errors.values())


def test_backtest_needs_room_for_a_training_part() -> None:
    assert backtest(seasonal_trend(20), 6, season_length=12, origins=3).windows == 0


def test_smape_counts_zero_against_zero_as_no_error() -> None:
    assert smape(np.array([0.0, 2.0]), np.array([0.0, 2.0])) == 0.0
    assert smape(np.array([1.0]), np.array([3.0])) == pytest.approx(100.0)


def test_the_backtest_refits_the_forms_the_full_series_chose() -> None:
    history = seasonal_trend(60)
    result = forecast(history, 6, season_length=12)
    assert set(result.forms) == {"ets", "ces"}
    assert result.forms["ets"] == result.models[0][4:-1].replace(",", "")  # ETS(A,A,A) → AAA
    fixed = backtest(history, 6, season_length=12, origins=2, forms=result.forms)
    searched = backtest(history, 6, season_length=12, origins=2)
    assert fixed.windows == searched.windows == 2
    assert fixed.errors["ets"] == pytest.approx(searched.errors["ets"], abs=0.5)
