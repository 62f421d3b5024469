"""Model cache: a second build loads instead of training; changed examples retrain."""

from __future__ import annotations

import time
from pathlib import Path

from bot.nlu import IntentCatalog, NluEngine, NluOptions
from tests.bot.nlu.catalog_fixture import write_catalog
from tests.bot.nlu.conftest import MOSCOW, NOW

OPTIONS = NluOptions(use_embeddings=False)
PROBES = ["разбуди меня в 6", "засеки 3 минуты", "hello you", "какая погода"]


def _answers(engine: NluEngine) -> list[tuple[str | None, float, dict[str, object]]]:
    results = [engine.understand(p, lang=None, now=NOW, tz=MOSCOW) for p in PROBES]
    return [(r.intent, r.confidence, {k: v.value for k, v in r.slots.items()}) for r in results]


def test_second_build_is_a_fast_identical_cache_hit(tmp_path: Path) -> None:
    catalog = IntentCatalog.load(write_catalog(tmp_path / "plugins"))
    first = NluEngine.build(catalog, options=OPTIONS, cache_dir=tmp_path / "cache")
    assert not first.from_cache
    started = time.perf_counter()
    second = NluEngine.build(catalog, options=OPTIONS, cache_dir=tmp_path / "cache")
    load_seconds = time.perf_counter() - started
    assert second.from_cache
    assert second.cache_key == first.cache_key
    assert load_seconds < max(0.5, first.models.training_seconds / 2)
    assert _answers(second) == _answers(first)


def test_changed_examples_or_options_retrain(tmp_path: Path) -> None:
    sources = write_catalog(tmp_path / "plugins")
    cache = tmp_path / "cache"
    original = NluEngine.build(IntentCatalog.load(sources), options=OPTIONS, cache_dir=cache)
    english = sources[0][1] / "en.yaml"
    english.write_text(english.read_text().replace("list my alarms", "list every alarm"))
    changed = NluEngine.build(IntentCatalog.load(sources), options=OPTIONS, cache_dir=cache)
    assert not changed.from_cache and changed.cache_key != original.cache_key
    other = NluOptions(use_embeddings=False, threshold=0.6)
    retuned = NluEngine.build(IntentCatalog.load(sources), options=other, cache_dir=cache)
    assert not retuned.from_cache
    again = NluEngine.build(IntentCatalog.load(sources), options=OPTIONS, cache_dir=cache)
    assert again.from_cache


def test_unreadable_cache_entry_retrains(tmp_path: Path) -> None:
    catalog = IntentCatalog.load(write_catalog(tmp_path / "plugins"))
    cache = tmp_path / "cache"
    first = NluEngine.build(catalog, options=OPTIONS, cache_dir=cache)
    (cache / first.cache_key / "models.pkl").write_bytes(b"not a pickle")
    rebuilt = NluEngine.build(catalog, options=OPTIONS, cache_dir=cache)
    assert not rebuilt.from_cache
    assert _answers(rebuilt) == _answers(first)
