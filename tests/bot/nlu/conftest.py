"""Fixtures for the NLU tests: one engine trained once per module, without embeddings
(they are exercised by a dedicated test) so the suite stays fast on two cores."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.nlu import IntentCatalog, NluEngine, NluOptions
from tests.bot.nlu.catalog_fixture import write_catalog

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=MOSCOW)  # a Tuesday


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> IntentCatalog:
    return IntentCatalog.load(write_catalog(tmp_path_factory.mktemp("plugins")))


@pytest.fixture(scope="module")
def engine(catalog: IntentCatalog) -> NluEngine:
    return NluEngine.build(catalog, options=NluOptions(use_embeddings=False), cache_dir=None)
