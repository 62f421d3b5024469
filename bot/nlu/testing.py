"""Intent test files: fixed sentences with the intent and slot values they must produce.

File format (`tests/nlu/<lang>/<plugin>.yaml`)::

    language: ru
    now: "2026-03-10T10:00:00"      # the clock, local time in `timezone`
    timezone: Europe/Moscow
    tests:
      - sentences: [напомни мне через 2 минуты позвонить маме]
        intent: set_reminder         # null: the engine must fall back (out of scope)
        slots:
          when: "2026-03-10T10:02:00+03:00"
          what: позвонить маме

Rules of comparison:
- The intent must be equal (`null` expects intent None, i.e. a fallback).
- If a case has no `slots` key, slots are not checked. If it has one, the set of slots found
  must be exactly the set listed: a missing slot and an extra slot are both failures (so a
  case lists every slot present in its sentences, and `slots: {}` asserts there are none).
- Values by the slot's type: datetime compares instants (a naive expected time is read in the
  file's timezone); duration compares whole seconds; number compares numerically; enum compares
  the canonical value; text compares the span's text case-insensitively, with ё≡е and
  surrounding spaces/punctuation ignored.
- Sentences are understood with the file's `language`, its fixed `now` and all intents enabled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.nlu.engine import NluEngine
from bot.nlu.errors import NluDataError
from bot.nlu.extractors import clean_text
from bot.nlu.result import NluResult, SlotValue, json_value
from bot.nlu.spec import SlotType
from bot.nlu.text import normalise
from bot.nlu.yaml_source import line_of, load_yaml

_MISSING = "<missing>"


@dataclass(frozen=True, slots=True)
class TestCase:
    __test__ = False  # not a pytest class, despite the name

    sentences: tuple[str, ...]
    intent: str | None
    slots: dict[str, Any] | None  # None: slots are not checked
    line: int | None


@dataclass(frozen=True, slots=True)
class TestFile:
    __test__ = False

    path: Path
    language: str
    now: datetime  # aware, in `timezone`
    timezone: ZoneInfo
    cases: tuple[TestCase, ...]


@dataclass(frozen=True, slots=True)
class SlotMismatch:
    slot: str
    expected: Any  # _MISSING when the slot was not expected
    got: Any  # _MISSING when the slot was not found


@dataclass(frozen=True, slots=True)
class SentenceOutcome:
    path: Path
    line: int | None
    lang: str
    sentence: str
    expected_intent: str | None
    result: NluResult
    intent_ok: bool
    mismatches: tuple[SlotMismatch, ...]

    @property
    def passed(self) -> bool:
        return self.intent_ok and not self.mismatches


@dataclass(slots=True)
class TestReport:
    __test__ = False

    outcomes: list[SentenceOutcome] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def passed(self) -> int:
        return sum(outcome.passed for outcome in self.outcomes)

    @property
    def failed(self) -> int:
        return self.total - self.passed

    def by_language(self) -> dict[str, tuple[int, int]]:
        """lang → (passed, total)."""
        counts: dict[str, tuple[int, int]] = {}
        for outcome in self.outcomes:
            passed, total = counts.get(outcome.lang, (0, 0))
            counts[outcome.lang] = (passed + outcome.passed, total + 1)
        return dict(sorted(counts.items()))


def load_test_file(path: Path) -> TestFile:
    """Parse and validate one test file; raises NluDataError naming the file and line."""
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise NluDataError("a test file must be a mapping", path=path)
    language = data.get("language")
    if not isinstance(language, str):
        raise NluDataError("'language' is required", path=path)
    timezone = _timezone(data.get("timezone", "UTC"), path)
    now = _now(data.get("now"), timezone, path)
    raw_cases = data.get("tests")
    if not isinstance(raw_cases, list) or not raw_cases:
        raise NluDataError("'tests' must be a non-empty list", path=path)
    cases = tuple(_case(raw, path) for raw in raw_cases)
    return TestFile(path, language, now, timezone, cases)


def _timezone(name: Any, path: Path) -> ZoneInfo:
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise NluDataError(f"unknown timezone {name!r}", path=path, line=line_of(name)) from None


def _now(raw: Any, timezone: ZoneInfo, path: Path) -> datetime:
    if raw is None:
        raise NluDataError("'now' is required (a fixed clock keeps results stable)", path=path)
    try:
        moment = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    except ValueError:
        raise NluDataError(f"bad 'now': {raw!r}", path=path, line=line_of(raw)) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone)
    return moment.astimezone(timezone)


def _case(raw: Any, path: Path) -> TestCase:
    if not isinstance(raw, dict):
        raise NluDataError(f"each test must be a mapping, got {raw!r}", path=path)
    sentences = raw.get("sentences")
    line = next((line_of(key) for key in raw), None)
    if isinstance(sentences, str):
        sentences = [sentences]
    if not isinstance(sentences, list) or not sentences:
        raise NluDataError("a test needs 'sentences'", path=path, line=line)
    if "intent" not in raw:
        raise NluDataError("a test needs 'intent' (null for out of scope)", path=path, line=line)
    intent = raw["intent"]
    slots = raw.get("slots") if "slots" in raw else None
    if "slots" in raw and slots is None:
        slots = {}
    if slots is not None and not isinstance(slots, dict):
        raise NluDataError("'slots' must be a mapping", path=path, line=line)
    return TestCase(
        tuple(str(sentence) for sentence in sentences),
        None if intent is None else str(intent),
        None if slots is None else {str(name): value for name, value in slots.items()},
        line,
    )


def run_tests(engine: NluEngine, paths: Iterable[Path]) -> TestReport:
    report = TestReport()
    for path in paths:
        test_file = load_test_file(path)
        for case in test_file.cases:
            for sentence in case.sentences:
                report.outcomes.append(_run_sentence(engine, test_file, case, sentence))
    return report


def _run_sentence(
    engine: NluEngine, test_file: TestFile, case: TestCase, sentence: str
) -> SentenceOutcome:
    result = engine.understand(
        sentence, lang=test_file.language, now=test_file.now, tz=test_file.timezone
    )
    intent_ok = result.intent == case.intent
    mismatches: list[SlotMismatch] = []
    if case.slots is not None and intent_ok and case.intent is not None:
        for name in sorted(set(case.slots) | set(result.slots)):
            expected = case.slots.get(name, _MISSING)
            found = result.slots.get(name)
            if found is None:
                mismatches.append(SlotMismatch(name, expected, _MISSING))
            elif expected == _MISSING:
                mismatches.append(SlotMismatch(name, _MISSING, _shown(found.text, found.value)))
            elif not _same_value(engine, case.intent, name, expected, found, test_file.timezone):
                mismatches.append(SlotMismatch(name, expected, _shown(found.text, found.value)))
    return SentenceOutcome(
        test_file.path,
        case.line,
        test_file.language,
        sentence,
        case.intent,
        result,
        intent_ok,
        tuple(mismatches),
    )


def _shown(text: str, value: Any) -> str:
    shown = json_value(value)
    return f"{shown!r} (from {text!r})" if str(shown) != text else repr(text)


def _same_value(
    engine: NluEngine,
    intent: str,
    slot: str,
    expected: Any,
    found: SlotValue,
    timezone: ZoneInfo,
) -> bool:
    value = found.value
    try:
        slot_type = engine.catalog.slot(intent, slot).type
    except KeyError:
        return False
    try:
        if slot_type is SlotType.DATETIME:
            wanted = expected
            if not isinstance(wanted, datetime):
                wanted = datetime.fromisoformat(str(expected))
            if wanted.tzinfo is None:
                wanted = wanted.replace(tzinfo=timezone)
            return isinstance(value, datetime) and value == wanted
        if slot_type in (SlotType.DURATION, SlotType.NUMBER):
            return float(value) == float(expected)
        if slot_type is SlotType.ENUM:
            return str(value) == str(expected)
    except (TypeError, ValueError):
        return False
    return normalise(clean_text(found.text)) == normalise(clean_text(str(expected)))


def format_report(report: TestReport, *, verbose: bool = False) -> str:
    """Failures (or every sentence with `verbose`) and a per-language summary."""
    lines: list[str] = []
    for outcome in report.outcomes:
        if outcome.passed and not verbose:
            continue
        lines.extend(_describe(outcome))
    summary = ", ".join(f"{lang} {p}/{t}" for lang, (p, t) in report.by_language().items())
    lines.append(
        f"NLU tests: {report.passed}/{report.total} sentences passed"
        + (f" ({summary})" if summary else "")
    )
    return "\n".join(lines)


def _describe(outcome: SentenceOutcome) -> list[str]:
    result = outcome.result
    where = f"{outcome.path}:{outcome.line}" if outcome.line else str(outcome.path)
    status = "ok  " if outcome.passed else "FAIL"
    lines = [f"{status} [{outcome.lang}] {outcome.sentence!r}  ({where})"]
    got = f"{result.intent} {result.confidence:.2f} via {result.source}"
    if not outcome.intent_ok:
        lines.append(f"     intent: expected {outcome.expected_intent}, got {got}")
        if result.alternatives:
            others = ", ".join(f"{name} {p:.2f}" for name, p in result.alternatives)
            lines.append(f"     alternatives: {others}")
    elif outcome.passed:
        lines.append(f"     intent: {got}")
    for mismatch in outcome.mismatches:
        lines.append(
            f"     slot {mismatch.slot}: expected {mismatch.expected!r}, got {mismatch.got}"
        )
    return lines
