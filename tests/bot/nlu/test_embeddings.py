"""The engine with real USE embeddings (the shipped weights; ~2 s for this small catalog)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.nlu import IntentCatalog, NluEngine, NluOptions
from bot.nlu.embeddings import shared_use_embedder
from tests.bot.nlu.catalog_fixture import write_catalog
from tests.bot.nlu.conftest import MOSCOW, NOW

PROBES = {
    "разбуди меня послезавтра в 6": "set_alarm",
    "could you wake me at 6 tomorrow": "set_alarm",
    "засеки четыре минуты": "start_timer",
    "make me a big cup of coffee": "order_coffee",
    "good evening": "greet",
    "какая погода на марсе": None,
}


def test_use_embedder_is_multilingual() -> None:
    vectors = shared_use_embedder()(["поставь будильник", "set an alarm", "какой курс евро"])
    assert vectors.shape == (3, 512)
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > similarity[0, 2]


def test_engine_with_embeddings_survives_the_cache(tmp_path: Path) -> None:
    catalog = IntentCatalog.load(write_catalog(tmp_path / "plugins"))
    options = NluOptions(use_embeddings=True)
    trained = NluEngine.build(catalog, options=options, cache_dir=tmp_path / "cache")
    loaded = NluEngine.build(catalog, options=options, cache_dir=tmp_path / "cache")
    assert loaded.from_cache and not trained.from_cache
    for text, intent in PROBES.items():
        first = trained.understand(text, lang=None, now=NOW, tz=MOSCOW)
        second = loaded.understand(text, lang=None, now=NOW, tz=MOSCOW)
        assert first.intent == intent, (text, first)
        assert second.intent == first.intent
        assert np.isclose(second.confidence, first.confidence)
        assert second.slots == first.slots
