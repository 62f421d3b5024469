"""The report as people read it: the message in both languages, the chart, the CSV table."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import yaml

from bot.i18n import Translations
from plugins.abtest import numbers
from plugins.abtest.analysis import AnalysisOptions
from plugins.abtest.chart import render_report_chart
from plugins.abtest.report import Report, samples_report
from plugins.abtest.report_table import COLUMNS, table_csv
from plugins.abtest.report_text import ReportWriter
from plugins.abtest.samples import Group, Samples
from plugins.abtest.sending import chart_labels
from plugins.abtest.verdict import Verdict, decide

LOCALES = Path(__file__).resolve().parents[3] / "plugins" / "abtest" / "locales"
TEXTS = Translations.load(LOCALES)


def _write(report: Report, lang: str) -> str:
    return ReportWriter(lambda key, **v: TEXTS.t(key, lang, **v), lang, pre_days=14).write(report)


def _report(
    control: np.ndarray, treatment: np.ndarray, *, final: bool = True, mde: float = 0.05
) -> Report:
    samples = Samples.of([Group("old", control), Group("new", treatment)])
    options = AnalysisOptions(resamples=300, mde=mde)
    return samples_report(samples, options, title="t.csv", final=final)


def test_both_languages_have_the_same_texts() -> None:
    en = yaml.safe_load((LOCALES / "en.yaml").read_text(encoding="utf-8"))
    ru = yaml.safe_load((LOCALES / "ru.yaml").read_text(encoding="utf-8"))
    assert set(en) == set(ru)
    for key in en:
        fields = set(re.findall(r"\{(\w+)\}", str(en[key])))
        assert fields == set(re.findall(r"\{(\w+)\}", str(ru[key]))), key


rng = np.random.default_rng(5)
SHIP = _report(rng.normal(10, 2, 3000), rng.normal(10.4, 2, 3000))
WORSE = _report(rng.normal(10, 2, 3000), rng.normal(9.6, 2, 3000))
FLAT = _report(rng.normal(10, 2, 3000), rng.normal(10, 2, 3000), mde=0.1)
MORE_DATA = _report(rng.normal(10, 5, 40), rng.normal(10, 5, 40))
PEEKING = _report(rng.normal(10, 5, 40), rng.normal(10, 5, 40), final=False)
CONVERSION = _report(
    (rng.random(20_000) < 0.2).astype(float), (rng.random(20_000) < 0.22).astype(float)
)


@pytest.mark.parametrize(
    ("report", "en", "ru"),
    [
        (SHIP, "Verdict: ✅ ship «new» — mean value +", "Вердикт: ✅ внедрять «new»"),
        (WORSE, "Verdict: ⛔ don't ship — «new» is worse: mean value −", "«new» хуже"),
        (FLAT, "Verdict: ⛔ don't ship — no change of 10% or more", "изменения на 10% и больше"),
        (MORE_DATA, "Verdict: ⏳ inconclusive — too few users", "Вердикт: ⏳ нет вывода"),
        (PEEKING, "Verdict: ⏳ keep running — 40 of", "Вердикт: ⏳ продолжать — пока 40 из"),
    ],
)
def test_each_verdict_in_both_languages(report: Report, en: str, ru: str) -> None:
    english, russian = _write(report, "en"), _write(report, "ru")
    assert en in english
    assert ru in russian
    for text in (english, russian):
        assert "{" not in text and "}" not in text  # every field was filled
        assert "nan" not in text
    assert ("Peeking" in english) is report.decision.peeking
    assert ("Подглядывание" in russian) is report.decision.peeking


def test_the_numbers_of_a_conversion_report() -> None:
    text = _write(CONVERSION, "en")
    a = CONVERSION.analysis
    assert text.startswith("🧪 t.csv — conversion\nVerdict: ✅ ship «new»")
    control, treatment = a.variants
    assert f"• old (control): n = 20,000, {100 * control.mean:.1f}%" in text
    assert f"• new: n = 20,000, {100 * treatment.mean:.1f}%" in text
    comparison = a.comparisons[0]
    assert f"difference +{100 * comparison.difference:.2f} pp" in text
    shown = [numbers.p_value(p, "en") for p in (comparison.z_test_p, comparison.welch_p)]
    assert f"p: z-test {shown[0]} · Welch {shown[1]} · Mann-Whitney" in text
    assert comparison.z_test_p == comparison.p < 0.05
    assert "Split: old 20,000 / new 20,000 (designed 50/50), SRM p = 1.0000 ✓" in text
    russian = _write(CONVERSION, "ru")
    assert "• old (контроль): n = 20\u202f000" in russian
    assert f"разница +{100 * comparison.difference:.2f} п. п.".replace(".", ",", 1) in russian


def test_cuped_is_reported_when_it_helps() -> None:
    pre = rng.gamma(2, 2, size=(2, 2000))
    samples = Samples.of(
        [Group("a", pre[0] + rng.normal(0, 1, 2000), pre[0]),
         Group("b", pre[1] + rng.normal(0.1, 1, 2000), pre[1])]
    )  # fmt: skip
    report = samples_report(samples, AnalysisOptions(resamples=300), title="cuped")
    assert "CUPED with the 14-day pre-period: variance −" in _write(report, "en")
    assert "CUPED" not in _write(SHIP, "en")


def test_number_formats() -> None:
    assert numbers.number(1234.5, "en") == "1,234"
    assert numbers.number(1234.5, "ru") == "1\u202f234"
    assert numbers.number(-0.0123, "en", signed=True) == "−0.0123"
    assert numbers.number(0.2, "en", signed=True, like=0.35) == "+0.200"
    assert numbers.percent(0.0512, "ru", signed=True) == "+5,1%"
    assert numbers.p_equation(0.00001, "en") == "p < 0.0001"
    assert numbers.p_equation(0.01234, "ru") == "p = 0,0123"
    assert numbers.level(0.975, "en") == "97.5%"
    assert numbers.number(float("nan"), "en") == "—"


async def test_the_chart_is_a_phone_sized_png(tmp_path: Path) -> None:
    labels = chart_labels(SHIP, lambda key, **v: TEXTS.t(key, "en", **v), "en")
    for report in (SHIP, CONVERSION, PEEKING):
        path = await render_report_chart(report, labels, tmp_path)
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (960, 1440)


def test_the_table_has_every_number() -> None:
    rows = list(csv.DictReader(io.StringIO(table_csv(CONVERSION))))
    assert tuple(rows[0]) == COLUMNS
    control, treatment = rows
    comparison = CONVERSION.analysis.comparisons[0]
    assert (control["variant"], control["is_control"], control["difference"]) == ("old", "1", "")
    assert float(treatment["difference"]) == comparison.difference
    assert float(treatment["z_test_p"]) == comparison.z_test_p
    assert treatment["verdict"] == "ship" and treatment["winner"] == "new"


def test_a_winner_that_hurts_a_guardrail_is_not_shipped() -> None:
    latency = Samples.of(
        [Group("old", rng.normal(900, 100, 3000)), Group("new", rng.normal(950, 100, 3000))]
    )
    slower = samples_report(
        latency, AnalysisOptions(resamples=300, higher_is_better=False), title="t.csv"
    ).analysis
    assert slower.comparisons[0].harmed  # up is worse for latency
    decision = decide(SHIP.analysis, {"latency_ms": slower, "errors": FLAT.analysis}, final=True)
    assert decision.verdict is Verdict.DONT_SHIP
    assert decision.harmed == (("new", "latency_ms"),)
    report = replace(SHIP, decision=decision, guardrails={"latency_ms": slower})
    english, russian = _write(report, "en"), _write(report, "ru")
    assert "Verdict: ⛔ don't ship — worse on «new»: reply latency, ms." in english
    assert "• reply latency, ms, new: +" in english and english.endswith("⚠️")
    assert "стало хуже: «new»: задержка ответа, мс" in russian
