"""Reading and writing ``qa_documents`` and ``qa_passages``.

A document is identified twice: by ``content_hash`` (the same bytes are stored once, from
whichever source came first) and by ``source`` (new content from a known source replaces
that document's passages: re-indexing).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import utcnow
from bot.storage import Database
from plugins.qa.records import (
    AddResult,
    AddStatus,
    KnowledgeDocument,
    NewPassage,
    StoredPassage,
)
from plugins.qa.tables import QaDocumentRow, QaPassageRow

TITLE_CHARS = 255
HEADING_CHARS = 255


def _snapshot(row: QaDocumentRow) -> KnowledgeDocument:
    return KnowledgeDocument(
        id=row.id, title=row.title, source=row.source, content_hash=row.content_hash,
        mime=row.mime, size=row.size, n_passages=row.n_passages, created_at=row.created_at,
        updated_at=row.updated_at,
    )  # fmt: skip


def _stored(row: QaPassageRow, title: str) -> StoredPassage:
    return StoredPassage(
        id=row.id, document_id=row.document_id, document_title=title, ordinal=row.ordinal,
        heading=row.heading, text=row.text, embedding=row.embedding,
    )  # fmt: skip


def _passage_values(document_id: int, passage: NewPassage, now: datetime) -> dict[str, Any]:
    return {
        "document_id": document_id, "ordinal": passage.ordinal,
        "heading": _clip(passage.heading, HEADING_CHARS), "text": passage.text,
        "embedding": passage.embedding, "created_at": now,
    }  # fmt: skip


def _clip(text: str | None, limit: int) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


class KnowledgeStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add_document(
        self,
        *,
        title: str,
        source: str,
        content_hash: str,
        mime: str,
        size: int,
        passages: Sequence[NewPassage],
        force: bool = False,
    ) -> AddResult:
        """Store a document with its passages, or find it already stored (see the module doc).

        ``force`` replaces the passages even when this source already holds this content
        (after the chunking or the embedding model changed). Two uploads of the same
        content racing: the unique hash lets one win; the other finds the winner and
        reports it as unchanged.
        """
        for attempt in range(2):
            try:
                async with self.db.session() as session:
                    return await self._add(
                        session, title=title, source=source, content_hash=content_hash,
                        mime=mime, size=size, passages=passages, force=force,
                    )  # fmt: skip
            except IntegrityError:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def _add(
        self,
        session: AsyncSession,
        *,
        title: str,
        source: str,
        content_hash: str,
        mime: str,
        size: int,
        passages: Sequence[NewPassage],
        force: bool,
    ) -> AddResult:
        known = await self._reuse(session, content_hash, source)
        if known is not None and not (force and known.document.source == source):
            return known
        by_source = await session.scalar(
            select(QaDocumentRow).where(QaDocumentRow.source == source)
        )
        now = utcnow()
        fields = {
            "title": _clip(title, TITLE_CHARS) or source[:TITLE_CHARS],
            "content_hash": content_hash, "mime": mime, "size": size,
            "n_passages": len(passages), "updated_at": now,
        }  # fmt: skip
        if by_source is None:
            row = QaDocumentRow(source=source, created_at=now, **fields)
            session.add(row)
            status = AddStatus.ADDED
        else:
            row = by_source
            for name, value in fields.items():
                setattr(row, name, value)
            await session.execute(delete(QaPassageRow).where(QaPassageRow.document_id == row.id))
            status = AddStatus.REPLACED
        await session.flush()
        if passages:
            values = [_passage_values(row.id, p, now) for p in passages]
            await session.execute(insert(QaPassageRow), values)
        return AddResult(_snapshot(row), status)

    async def reuse(self, content_hash: str, source: str) -> AddResult | None:
        """If this content is stored, the ``UNCHANGED`` result ``add_document`` would give
        (without computing passages first); None if it is new."""
        async with self.db.session() as session:
            return await self._reuse(session, content_hash, source)

    async def _reuse(
        self, session: AsyncSession, content_hash: str, source: str
    ) -> AddResult | None:
        same = await session.scalar(
            select(QaDocumentRow).where(QaDocumentRow.content_hash == content_hash)
        )
        if same is None:
            return None
        stale = await session.scalar(
            select(QaDocumentRow).where(
                QaDocumentRow.source == source, QaDocumentRow.id != same.id
            )
        )
        removed: tuple[int, ...] = ()
        if stale is not None:
            # This source's old content is outdated, and its new content is stored already.
            await session.execute(delete(QaPassageRow).where(QaPassageRow.document_id == stale.id))
            await session.delete(stale)
            removed = (stale.id,)
        return AddResult(_snapshot(same), AddStatus.UNCHANGED, removed)

    async def find_by_hash(self, content_hash: str) -> KnowledgeDocument | None:
        async with self.db.session() as session:
            row = await session.scalar(
                select(QaDocumentRow).where(QaDocumentRow.content_hash == content_hash)
            )
            return _snapshot(row) if row else None

    async def find_by_source(self, source: str) -> KnowledgeDocument | None:
        async with self.db.session() as session:
            row = await session.scalar(select(QaDocumentRow).where(QaDocumentRow.source == source))
            return _snapshot(row) if row else None

    async def get(self, document_id: int) -> KnowledgeDocument | None:
        async with self.db.session() as session:
            row = await session.get(QaDocumentRow, document_id)
            return _snapshot(row) if row else None

    async def documents(self) -> list[KnowledgeDocument]:
        """Every document, oldest first."""
        async with self.db.session() as session:
            rows = await session.scalars(select(QaDocumentRow).order_by(QaDocumentRow.id))
            return [_snapshot(r) for r in rows]

    async def remove(self, document_id: int) -> KnowledgeDocument | None:
        """Delete a document and its passages; None if there was no such document."""
        async with self.db.session() as session:
            row = await session.get(QaDocumentRow, document_id)
            if row is None:
                return None
            document = _snapshot(row)
            # Explicit, not only ON DELETE CASCADE: correct even where foreign keys are off.
            await session.execute(
                delete(QaPassageRow).where(QaPassageRow.document_id == document_id)
            )
            await session.delete(row)
            return document

    async def passages(self, document_ids: Collection[int] | None = None) -> list[StoredPassage]:
        """Passages with their document's title (all, or of some documents), in reading order."""
        statement = (
            select(QaPassageRow, QaDocumentRow.title)
            .join(QaDocumentRow, QaDocumentRow.id == QaPassageRow.document_id)
            .order_by(QaPassageRow.document_id, QaPassageRow.ordinal)
        )
        if document_ids is not None:
            statement = statement.where(QaPassageRow.document_id.in_(list(document_ids)))
        async with self.db.session() as session:
            result = await session.execute(statement)
            return [_stored(row, title) for row, title in result]

    async def passages_by_id(self, passage_ids: Sequence[int]) -> list[StoredPassage]:
        """The passages with these ids that still exist, in the order asked for."""
        if not passage_ids:
            return []
        statement = (
            select(QaPassageRow, QaDocumentRow.title)
            .join(QaDocumentRow, QaDocumentRow.id == QaPassageRow.document_id)
            .where(QaPassageRow.id.in_(list(passage_ids)))
        )
        async with self.db.session() as session:
            result = await session.execute(statement)
            found = {row.id: _stored(row, title) for row, title in result}
        return [found[i] for i in passage_ids if i in found]

    async def count_passages(self) -> int:
        async with self.db.session() as session:
            return int(await session.scalar(select(func.count()).select_from(QaPassageRow)) or 0)
