"""Runs every intent test file (tests/nlu/<lang>/<plugin>.yaml) against the real NLU engine,
trained from the plugins' own examples exactly as the app trains it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import build_nlu
from bot.config import load_settings
from bot.nlu import IntentCatalog, NluEngine
from bot.nlu.testing import format_report, load_test_file, run_tests
from bot.plugin_registry import discover_plugin_classes, intent_sources

HERE = Path(__file__).parent
REPO = HERE.parents[1]
FILES = sorted(HERE.glob("*/*.yaml"))


@pytest.fixture(scope="module")
def engine(nlu_cache: Path) -> NluEngine:
    env = {"SOVA_PLUGINS__ENTRY_POINTS": "false", "SOVA_NLU__CACHE_DIR": str(nlu_cache)}
    settings = load_settings(REPO / "config.toml", env=env)
    classes = discover_plugin_classes(settings.plugins).values()
    return build_nlu(settings, IntentCatalog.load(intent_sources(classes)))


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_intent_file(engine: NluEngine, path: Path) -> None:
    report = run_tests(engine, [path])
    assert report.failed == 0, format_report(report)


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize(
    "plugin", ["reminders", "smalltalk", "qa", "forecast", "abtest", "recommend", "imagegen"]
)
def test_enough_sentences_per_language(lang: str, plugin: str) -> None:
    tests = load_test_file(HERE / lang / f"{plugin}.yaml")
    sentences = sum(len(case.sentences) for case in tests.cases)
    assert sentences >= 20
