"""What the user gets: the chart and CSV files, and the summary in both languages."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest

from bot.i18n import Translations
from plugins.forecast import Forecasting
from plugins.forecast.chart import ChartLabels, draw_chart
from plugins.forecast.export import write_forecast_csv
from plugins.forecast.forecasting import ForecastRequest, Limits, SeriesForecast, forecast_file
from plugins.forecast.summary import summarise
from tests.plugins.forecast.samples import (
    csv_of,
    month_starts,
    monthly_csv,
    seasonal_trend,
    trend_csv,
)

TEXTS = Translations.load(Forecasting.folder() / "locales")
LIMITS = Limits(max_rows=1000, max_series=4, max_horizon=500, backtest_origins=2)
NOW = datetime(2024, 1, 10)


def _run(
    data: bytes, text: str = "forecast the next 6 months", **request: object
) -> list[SeriesForecast]:
    return forecast_file(data, "sales.csv", ForecastRequest(horizon_text=text, now=NOW, **request),  # type: ignore[arg-type]
                         LIMITS)  # fmt: skip


def _summary(results: list[SeriesForecast], lang: str) -> str:
    return summarise(results[0], lambda key, **v: TEXTS.t(key, lang, **v), lang)


def test_chart_is_a_phone_sized_png(tmp_path: Path) -> None:
    results = _run(monthly_csv(48, columns=("sales", "returns")))
    labels = ChartLabels("History", "Forecast", "{level}% interval", "en")
    path = draw_chart(results, labels, tmp_path / "chart.png")
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width == 960 and height > width  # portrait: two panels one above the other


def test_csv_has_a_row_per_step_and_series_with_both_intervals(tmp_path: Path) -> None:
    results = _run(monthly_csv(48, columns=("sales", "returns")))
    path = write_forecast_csv(results, tmp_path / "f.csv", lang="en")
    rows = list(csv.reader(io.StringIO(path.read_text())))
    assert rows[0] == ["date", "series", "forecast", "lo_80", "hi_80", "lo_95", "hi_95"]
    assert len(rows) == 1 + 2 * 6
    assert rows[1][:2] == ["2024-01-01", "sales"] and rows[7][:2] == ["2024-01-01", "returns"]
    lo95, lo80, mean, hi80, hi95 = (float(rows[1][i]) for i in (5, 3, 2, 4, 6))
    assert lo95 <= lo80 <= mean <= hi80 <= hi95


def test_russian_csv_opens_in_a_russian_spreadsheet(tmp_path: Path) -> None:
    path = write_forecast_csv(_run(monthly_csv(48)), tmp_path / "f.csv", lang="ru")
    text = path.read_text(encoding="utf-8-sig")
    first, second = (line.split(";") for line in text.splitlines()[1:3])
    # (January is a whole number, 124: ETS continues this clean series exactly)
    assert first[0] == "2024-01-01" and "," in second[2] and "." not in "".join(second[2:])


def test_english_summary() -> None:
    text = _summary(_run(trend_csv(2.0)), "en")
    assert text.startswith("📈 sales: forecast for 6 months ahead (Jan 2024 – Jun 2024)")
    assert (
        "Trend: rising — the forecast is " in text and "the same 6 months a year earlier" in text
    )
    assert "Seasonality: strong, repeating every year; highest: April, lowest: October." in text
    assert "• Jan 2024: " in text and "(95%: " in text
    # A clean season on a trend: the backtest shows ETS far ahead and uses it alone.
    assert "Model: ETS(A,A,A), chosen by the check on your data below" in text
    assert "average error (sMAPE)" in text and "(alone: ETS 0.0%, Theta " in text
    assert "ETS alone was far more accurate than the average there (0.0% against " in text
    assert 'To pick a model yourself, say e.g. "forecast with only ' in text
    assert "Intervals (80% / 95%): the model's own prediction intervals." in text
    assert "{" not in text  # every placeholder filled


def test_a_clean_seasonal_trend_is_continued_by_ets_alone() -> None:
    result = _run(trend_csv(2.0))[0]
    assert result.forecast.chosen == "ets" and result.backtest.windows == 2
    truth = seasonal_trend(54, slope=2.0)[48:]
    np.testing.assert_allclose(result.forecast.mean, truth, atol=0.05)  # the file has 2 decimals


def test_a_noisy_series_keeps_the_average_and_points_out_the_better_model() -> None:
    rng = np.random.default_rng(1)
    values = seasonal_trend(60, slope=1.0) + rng.normal(0, 4, 60)
    days = month_starts(date(2019, 1, 1), 60)
    rows = [f"{d:%Y-%m-%d},{v:.2f}" for d, v in zip(days, values, strict=True)]
    results = _run(csv_of("date,sales", rows))
    assert results[0].forecast.chosen is None and results[0].backtest.windows == 2
    text = _summary(results, "en")
    assert "Model: the average of ETS(" in text and "Theta, CES" in text
    assert re.search(
        r'alone did better \([\d.]+% against [\d.]+%\): say "forecast with only', text
    )
    assert "chosen by the check" not in text and "{" not in text
    assert "Модель: среднее ETS(" in _summary(results, "ru")


def test_russian_summary() -> None:
    text = _summary(_run(trend_csv(-2.0, level=300), "спрогнозируй на 6 месяцев"), "ru")
    assert text.startswith("📈 sales: прогноз на 6 месяцев вперёд (январь 2024 – июнь 2024)")
    assert "Тренд: спад — прогноз на " in text and "за те же 6 месяцев годом ранее" in text
    assert "Сезонность: сильная" in text
    assert "максимум — апрель" in text and "• январь 2024: " in text
    assert "Модель: ETS(A,A,A) — выбрана проверкой на ваших данных (ниже)" in text
    assert "ETS в одиночку была там намного точнее среднего (0,0% против " in text
    assert "скажите, например, «прогноз только " in text
    assert "{" not in text


def test_warnings_reach_the_summary() -> None:
    rows = [f"2024-{m:02d}-01,{m * 3 + (m % 2)}" for m in range(1, 13) if m != 5]
    text = _summary(_run(csv_of("date,visits", rows), "next 3 months"), "en")
    assert "1 missing periods in «visits» were filled by linear interpolation" in text
    assert "Fewer than two full seasons of data (24 months needed)" in text
    assert "Seasonality: not modelled" in text


def test_named_model_and_level() -> None:
    results = _run(monthly_csv(48), "forecast 6 months", method="ets", levels=(90,))
    text = _summary(results, "en")
    assert re.search(r"Model: ETS\(\w,\w+,\w\)\.", text)
    assert "(90%: " in text and "backtest" not in text.lower()
    assert list(results[0].forecast.bounds) == [90]


def test_constant_series_summary() -> None:
    rows = [f"2024-{m:02d}-01,5" for m in range(1, 13)]
    text = _summary(_run(csv_of("date,level", rows), "next 2 months"), "en")
    assert "every value is the same" in text and "• Jan 2025: 5 (95%: 5 – 5)" in text


SOURCES = Path(Forecasting.folder())
KEY_PATTERNS = (r'InputProblem\(\s*"(\w+)"', r'Note\(\s*"(\w+)"', r'notes\.append\("(\w+)"\)')


def _used_keys() -> set[str]:
    keys: set[str] = set()
    for source in SOURCES.glob("*.py"):
        text = source.read_text()
        keys |= {m for p in KEY_PATTERNS[:1] for m in re.findall(p, text)}
        keys |= {"note_" + m for p in KEY_PATTERNS[1:] for m in re.findall(p, text)}
        # t("key", ...) and ctx.t("key"); f-string keys (t(f"trend_{...}")) are covered by
        # the summary tests, which fail on a missing key (it shows as the key itself).
        keys |= set(re.findall(r'\bt\(\s*"(\w+[a-z])"', text))
    return keys


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_reply_exists_in_both_languages(lang: str) -> None:
    used = _used_keys()
    assert {"too_many_rows", "not_a_number", "note_gaps_filled", "send_file_first"} <= used
    missing = sorted(key for key in used if not TEXTS.has(key, lang))
    assert missing == []


def test_both_languages_have_the_same_keys_and_fields() -> None:
    import yaml

    en = yaml.safe_load((SOURCES / "locales" / "en.yaml").read_text())
    ru = yaml.safe_load((SOURCES / "locales" / "ru.yaml").read_text())
    assert set(en) == set(ru)
    for key in en:
        assert set(re.findall(r"{(\w+)}", en[key])) == set(re.findall(r"{(\w+)}", ru[key])), key


def test_answer_files_are_per_user_and_forgotten(tmp_path: Path) -> None:
    from plugins.forecast.outputs import answer_folder, csv_name, forget_user_files

    mine, theirs = answer_folder(tmp_path, 7), answer_folder(tmp_path, 8)
    (mine / "forecast.png").write_bytes(b"x")
    assert mine != theirs and mine.is_dir()
    assert forget_user_files(tmp_path, 7) == 1
    assert not mine.exists() and theirs.exists()
    assert csv_name("../../etc/продажи 2024.xlsx") == "forecast_продажи_2024.csv"
