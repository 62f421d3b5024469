"""Fixtures: the real multilingual embedder (loaded once) and knowledge bases on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import pytest

from bot.storage import Database
from plugins.qa.embedding import PassageEmbedder, PassageText
from plugins.qa.knowledge_base import KnowledgeBase


class CountingEmbedder(PassageEmbedder):
    """The real embedder, counting the passages it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def passages(self, passages: Sequence[PassageText]) -> list[bytes]:
        self.embedded += len(passages)
        return super().passages(passages)


@pytest.fixture
def embedder() -> CountingEmbedder:
    return CountingEmbedder()  # cheap: the model itself is loaded once per process


@pytest.fixture
def kb(database: Database, embedder: CountingEmbedder) -> KnowledgeBase:
    """A knowledge base on SQLite and on PostgreSQL."""
    return KnowledgeBase(database, embedder=embedder)


@pytest.fixture
async def sqlite_kb(sqlite_url: str, embedder: CountingEmbedder) -> AsyncIterator[KnowledgeBase]:
    """A knowledge base on SQLite only, for behaviour that does not depend on the backend."""
    db = Database(sqlite_url)
    await db.upgrade()
    try:
        yield KnowledgeBase(db, embedder=embedder)
    finally:
        await db.dispose()
