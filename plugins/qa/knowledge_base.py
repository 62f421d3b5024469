"""The knowledge base as handlers use it: add, list, remove, synchronise, search.

It keeps the retriever's index in step with every change it makes to the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.storage import Database
from plugins.qa.embedding import PassageEmbedder
from plugins.qa.index import DEFAULT_LEXICAL_WEIGHT, Hit, SearchMode
from plugins.qa.ingest import IngestOptions, Ingestor, Progress, SyncReport
from plugins.qa.records import AddResult, AddStatus, KnowledgeDocument, StoredPassage
from plugins.qa.retriever import Retriever
from plugins.qa.store import KnowledgeStore


class KnowledgeBase:
    def __init__(
        self,
        db: Database,
        *,
        options: IngestOptions | None = None,
        embedder: PassageEmbedder | None = None,
        lexical_weight: float = DEFAULT_LEXICAL_WEIGHT,
    ) -> None:
        self.store = KnowledgeStore(db)
        self.embedder = embedder or PassageEmbedder()
        self.ingestor = Ingestor(self.store, self.embedder, options)
        self.retriever = Retriever(self.store, self.embedder, lexical_weight=lexical_weight)

    async def load(self) -> None:
        """Build the search index from the store (no embedding: vectors are stored)."""
        await self.retriever.load()

    async def add(
        self,
        data: bytes,
        *,
        filename: str,
        source: str,
        mime: str | None = None,
        progress: Progress | None = None,
    ) -> AddResult:
        """Index an uploaded document; ``DocumentRefused`` if it cannot be (nothing stored)."""
        result = await self.ingestor.add_bytes(
            data, filename=filename, source=source, mime=mime, progress=progress
        )
        changed = () if result.status is AddStatus.UNCHANGED else (result.document.id,)
        await self.retriever.update(changed, result.removed_ids)
        return result

    async def documents(self) -> list[KnowledgeDocument]:
        return await self.store.documents()

    async def remove(self, document_id: int) -> KnowledgeDocument | None:
        removed = await self.store.remove(document_id)
        if removed is not None:
            await self.retriever.update(removed=(removed.id,))
        return removed

    async def passages(self, passage_ids: Sequence[int]) -> list[StoredPassage]:
        """Stored passages by id (those that still exist), in the order asked for."""
        return await self.store.passages_by_id(passage_ids)

    async def sync_folder(
        self, folder: Path, *, progress: Progress | None = None, force: bool = False
    ) -> SyncReport:
        """Index new and changed files under ``folder``; drop documents of deleted files."""
        report = await self.ingestor.sync_folder(folder, progress=progress, force=force)
        await self.retriever.update(report.changed_ids, report.removed_ids)
        return report

    async def sync_files(
        self,
        files: list[Path],
        *,
        scope: Path | None = None,
        progress: Progress | None = None,
        force: bool = False,
    ) -> SyncReport:
        report = await self.ingestor.sync_files(files, scope=scope, progress=progress, force=force)
        await self.retriever.update(report.changed_ids, report.removed_ids)
        return report

    async def search(
        self, question: str, k: int = 5, mode: SearchMode = SearchMode.FUSED
    ) -> list[Hit]:
        return await self.retriever.search(question, k, mode)
