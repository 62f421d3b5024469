"""The engine on series whose answer is known, and its fallbacks."""

from __future__ import annotations

import numpy as np
import pytest

from plugins.forecast import engine
from plugins.forecast.engine import Backtest, backtest, forecast, forecast_checked, smape
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

    def only_naive(name: str, *args: object, **kwargs: object) -> engine.Fit:
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


# -- the backtest's decision (forecast_checked) ------------------------------------------------
def test_the_backtest_picks_ets_alone_on_a_clean_seasonal_trend() -> None:
    # Theta misses the season, so the average damps it; ETS(A,A,A) continues it exactly.
    history = seasonal_trend(48, slope=2.0)
    truth = seasonal_trend(60, slope=2.0)[48:]
    averaged = forecast(history, 12, season_length=12)
    result, check = forecast_checked(history, 12, season_length=12, origins=3)
    assert check.windows >= 2 and check.errors["ets"] < 0.01 < check.errors["auto"]
    assert result.chosen == "ets" and result.method == "auto"
    assert result.models == (averaged.components["ets"].name,)
    assert smape(truth, averaged.mean) > 1.0  # what the average alone gave
    assert smape(truth, result.mean) < 0.01
    np.testing.assert_allclose(result.mean, truth, rtol=1e-3)
    # ETS's own intervals, around ETS's forecast.
    ets = averaged.components["ets"]
    for level in (80, 95):
        np.testing.assert_array_equal(result.bounds[level][0], ets.bounds[level][0])
        np.testing.assert_array_equal(result.bounds[level][1], ets.bounds[level][1])


def test_a_noisy_series_keeps_the_average() -> None:
    rng = np.random.default_rng(1)
    history = seasonal_trend(60, slope=1.0) + rng.normal(0, 4, 60)
    result, check = forecast_checked(history, 12, season_length=12, origins=3)
    best = min(check.errors[name] for name in engine.COMBINED)
    # One model did somewhat better, not clearly: the average stays.
    assert check.windows == 3 and engine.CLEARLY_BETTER * check.errors["auto"] < best
    assert result.chosen is None and len(result.models) == 3
    np.testing.assert_array_equal(result.mean, forecast(history, 12, season_length=12).mean)


@pytest.mark.parametrize(
    ("errors", "windows", "expected"),
    [
        ({"auto": 3.0, "ets": 0.9, "theta": 6.0, "ces": 2.0}, 2, "ets"),  # ≤ a third, 2.1 lower
        ({"auto": 3.0, "ets": 1.1, "theta": 6.0, "ces": 2.0}, 3, None),  # above a third
        ({"auto": 3.0, "ets": 0.9, "theta": 6.0, "ces": 2.0}, 1, None),  # one window only
        ({"auto": 0.6, "ets": 0.15, "theta": 1.0, "ces": 0.7}, 3, None),  # only 0.45 lower
        ({"auto": 9.0, "ets": 12.0, "theta": 8.0, "ces": 2.5}, 3, "ces"),
    ],
)
def test_choose_needs_a_clear_margin(
    errors: dict[str, float], windows: int, expected: str | None
) -> None:
    assert engine.choose(Backtest(errors, windows, 6), engine.COMBINED) == expected


def test_a_chosen_ces_gets_its_own_intervals(monkeypatch: pytest.MonkeyPatch) -> None:
    # CES's simulated intervals are not computed for the average; chosen alone, it gets them.
    clear = Backtest({"auto": 6.0, "ets": 5.0, "theta": 9.0, "ces": 1.0}, 3, 6)
    monkeypatch.setattr(engine, "backtest", lambda *args, **kwargs: clear)
    history = seasonal_trend(60)
    result, check = forecast_checked(history, 6, season_length=12, levels=(80, 95))
    assert check is clear and result.chosen == "ces" and result.models == ("CES",)
    assert not result.components["ces"].bounds
    np.testing.assert_array_equal(result.mean, result.components["ces"].mean)
    for low, high in result.bounds.values():
        assert np.all(low <= result.mean) and np.all(result.mean <= high)


def test_a_named_model_or_no_origins_skips_the_backtest(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> Backtest:
        raise AssertionError("no backtest expected")

    monkeypatch.setattr(engine, "backtest", fail)
    history = seasonal_trend(48, slope=2.0)
    named, check = forecast_checked(history, 6, season_length=12, method="theta")
    assert named.models == ("Theta",) and named.chosen is None and check.windows == 0
    plain, check = forecast_checked(history, 6, season_length=12, origins=0)
    assert len(plain.models) == 3 and plain.chosen is None and check.windows == 0
