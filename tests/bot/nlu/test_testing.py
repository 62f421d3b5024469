"""The intent test-file runner, on the synthetic catalog's engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu import NluDataError, NluEngine
from bot.nlu.testing import format_report, load_test_file, run_tests

GOOD = """\
language: ru
now: "2026-03-10T10:00:00"
timezone: Europe/Moscow
tests:
  - sentences:
      - разбуди меня завтра в 7 утра
    intent: set_alarm
    slots:
      when: "2026-03-11T07:00:00+03:00"
  - sentences: [засеки 5 минут, поставь таймер на пять минут]
    intent: start_timer
    slots:
      length: 300
  - sentences: [закажи большой кофе]
    intent: order_coffee
    slots: {size: large}
  - sentences: [какая погода на марсе]
    intent: null
  - sentences: [привет]
    intent: greet
"""

BAD = """\
language: en
now: "2026-03-10T10:00:00"
timezone: Europe/London
tests:
  - sentences: [wake me up tomorrow at 7am]
    intent: set_alarm
    slots:
      when: "2026-03-11T08:00:00+00:00"
  - sentences: [start a timer for 5 minutes]
    intent: start_timer
    slots: {}
  - sentences: [hello there]
    intent: start_timer
"""


def test_passing_file(engine: NluEngine, tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    report = run_tests(engine, [path])
    assert (report.passed, report.failed, report.total) == (6, 0, 6), format_report(report)
    assert report.by_language() == {"ru": (6, 6)}
    assert format_report(report).endswith("NLU tests: 6/6 sentences passed (ru 6/6)")


def test_failures_say_what_was_expected_and_what_came(engine: NluEngine, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    report = run_tests(engine, [path])
    assert (report.passed, report.failed) == (0, 3)
    wrong_time, extra_slot, wrong_intent = report.outcomes
    assert wrong_time.intent_ok and wrong_time.mismatches[0].slot == "when"
    assert extra_slot.mismatches[0].expected == "<missing>"  # found but not listed: a failure
    assert not wrong_intent.intent_ok
    text = format_report(report)
    assert "FAIL [en] 'wake me up tomorrow at 7am'" in text
    expected, got = "'2026-03-11T08:00:00+00:00'", "'2026-03-11T07:00:00+00:00'"
    assert f"slot when: expected {expected}, got {got}" in text
    assert "intent: expected start_timer, got greet" in text
    assert f"{path}:12" in text  # the line of the failing case
    assert text.endswith("NLU tests: 0/3 sentences passed (en 0/3)")


def test_load_test_file_validates(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(GOOD, encoding="utf-8")
    loaded = load_test_file(path)
    assert loaded.now.isoformat() == "2026-03-10T10:00:00+03:00"
    assert [len(case.sentences) for case in loaded.cases] == [1, 2, 1, 1, 1]
    assert loaded.cases[3].intent is None and loaded.cases[3].slots is None
    path.write_text(GOOD.replace("timezone: Europe/Moscow", "timezone: Mars/Olympus"))
    with pytest.raises(NluDataError, match="unknown timezone"):
        load_test_file(path)
    path.write_text("language: ru\nnow: '2026-03-10T10:00:00'\ntests:\n  - sentences: [x]\n")
    with pytest.raises(NluDataError, match=r"t.yaml:4: a test needs 'intent'"):
        load_test_file(path)
