"""The live retriever: the current ``PassageIndex``, kept in step with the store.

Searches read whichever index is current; updates build a new index in a worker thread
and swap it in, one at a time (a lock), so a search never sees a half-built index and two
updates never lose each other's documents. Embeddings come from the store: loading at
start-up embeds nothing but the questions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection

from plugins.qa.embedding import PassageEmbedder
from plugins.qa.index import DEFAULT_LEXICAL_WEIGHT, Hit, PassageIndex, SearchMode
from plugins.qa.store import KnowledgeStore


class Retriever:
    def __init__(
        self,
        store: KnowledgeStore,
        embedder: PassageEmbedder,
        *,
        lexical_weight: float = DEFAULT_LEXICAL_WEIGHT,
    ) -> None:
        self._store = store
        self._embedder = embedder
        self._lexical_weight = lexical_weight
        self._index = PassageIndex([], lexical_weight=lexical_weight)
        self._updating = asyncio.Lock()

    @property
    def index(self) -> PassageIndex:
        return self._index

    async def load(self) -> None:
        """(Re)build the index from every stored passage."""
        async with self._updating:
            passages = await self._store.passages()
            self._index = await asyncio.to_thread(
                PassageIndex.build, passages, lexical_weight=self._lexical_weight
            )

    async def update(self, changed: Collection[int] = (), removed: Collection[int] = ()) -> None:
        """Re-read the ``changed`` documents' passages and drop the ``removed`` documents."""
        if not changed and not removed:
            return
        async with self._updating:
            passages = await self._store.passages(changed) if changed else []
            index = self._index
            self._index = await asyncio.to_thread(index.replacing, {*changed, *removed}, passages)

    async def search(
        self, question: str, k: int = 5, mode: SearchMode = SearchMode.FUSED
    ) -> list[Hit]:
        """The ``k`` best passages for a question in any supported language, best first."""
        return await asyncio.to_thread(self.search_blocking, question, k, mode)

    def search_blocking(
        self, question: str, k: int = 5, mode: SearchMode = SearchMode.FUSED
    ) -> list[Hit]:
        """``search`` for worker threads and benchmarks."""
        index = self._index
        if not len(index):
            return []
        vector = None if mode is SearchMode.LEXICAL else self._embedder.question(question)
        return index.search(question, vector, k, mode)
