"""The store on SQLite and PostgreSQL: idempotent by content, re-index by source, cascade."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, func, select

from bot.nlu.embeddings import EMBEDDING_SIZE
from bot.storage import Base, Database
from plugins.qa.embedding import decode, encode
from plugins.qa.records import AddStatus, NewPassage
from plugins.qa.store import KnowledgeStore
from plugins.qa.tables import QaDocumentRow, QaPassageRow


def passages(*texts: str) -> list[NewPassage]:
    vectors = np.eye(len(texts) + 1, EMBEDDING_SIZE, dtype=np.float32)
    return [
        NewPassage(i, "Heading", text, encode(vectors[i : i + 2])) for i, text in enumerate(texts)
    ]


async def add(store: KnowledgeStore, source: str, digest: str, *texts: str) -> Any:
    return await store.add_document(
        title=f"Doc {source}", source=source, content_hash=digest * 64, mime="text/plain",
        size=100, passages=passages(*texts),
    )  # fmt: skip


async def passage_count(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(QaPassageRow)) or 0)


async def test_add_list_get_and_passages_with_embeddings(database: Database) -> None:
    store = KnowledgeStore(database)
    result = await add(store, "a.txt", "a", "first passage", "second passage")
    assert result.status is AddStatus.ADDED
    document = result.document
    assert (document.title, document.source, document.n_passages) == ("Doc a.txt", "a.txt", 2)
    assert document.created_at.tzinfo is not None
    assert await store.documents() == [document]
    assert await store.get(document.id) == document
    stored = await store.passages()
    assert [(p.ordinal, p.text, p.heading, p.document_title) for p in stored] == [
        (0, "first passage", "Heading", "Doc a.txt"),
        (1, "second passage", "Heading", "Doc a.txt"),
    ]
    assert decode(stored[1].embedding).shape == (2, EMBEDDING_SIZE)
    assert decode(stored[1].embedding)[0, 1] == 1.0


async def test_same_content_again_is_not_duplicated(database: Database) -> None:
    store = KnowledgeStore(database)
    first = await add(store, "a.txt", "a", "one", "two")
    again = await add(store, "a.txt", "a", "one", "two")
    elsewhere = await add(store, "copy-of-a.txt", "a", "one", "two")
    assert again.status is elsewhere.status is AddStatus.UNCHANGED
    assert again.document == elsewhere.document == first.document
    assert await store.reuse("a" * 64, "a.txt") == again
    assert await store.reuse("b" * 64, "a.txt") is None
    assert len(await store.documents()) == 1
    assert await passage_count(database) == 2


async def test_concurrent_uploads_of_the_same_content_store_it_once(database: Database) -> None:
    store = KnowledgeStore(database)
    results = await asyncio.gather(*(add(store, f"u{i}", "a", "one", "two") for i in range(4)))
    assert sorted(r.status for r in results).count(AddStatus.ADDED) == 1
    assert len({r.document.id for r in results}) == 1
    assert await passage_count(database) == 2


async def test_new_content_from_the_same_source_replaces_its_passages(database: Database) -> None:
    store = KnowledgeStore(database)
    first = await add(store, "a.txt", "a", "old one", "old two", "old three")
    second = await add(store, "a.txt", "b", "new one")
    assert second.status is AddStatus.REPLACED
    assert second.document.id == first.document.id
    assert second.document.content_hash == "b" * 64
    assert second.document.n_passages == 1
    assert [p.text for p in await store.passages()] == ["new one"]
    assert await store.find_by_hash("a" * 64) is None


async def test_a_source_whose_new_content_exists_elsewhere_is_dropped(database: Database) -> None:
    store = KnowledgeStore(database)
    kept = await add(store, "a.txt", "a", "shared text")
    stale = await add(store, "b.txt", "b", "old text of b")
    result = await add(store, "b.txt", "a", "shared text")
    assert result.status is AddStatus.UNCHANGED
    assert result.document == kept.document
    assert result.removed_ids == (stale.document.id,)
    assert [d.source for d in await store.documents()] == ["a.txt"]
    assert [p.text for p in await store.passages()] == ["shared text"]


async def test_force_rebuilds_the_passages_of_unchanged_content(database: Database) -> None:
    store = KnowledgeStore(database)
    await add(store, "a.txt", "a", "one", "two")
    result = await store.add_document(
        title="Doc a.txt", source="a.txt", content_hash="a" * 64, mime="text/plain", size=100,
        passages=passages("rechunked"), force=True,
    )  # fmt: skip
    assert result.status is AddStatus.REPLACED
    assert [p.text for p in await store.passages()] == ["rechunked"]


async def test_remove_deletes_the_passages_and_the_cascade_holds(database: Database) -> None:
    store = KnowledgeStore(database)
    a = (await add(store, "a.txt", "a", "a1", "a2")).document
    b = (await add(store, "b.txt", "b", "b1")).document
    assert await store.remove(a.id) == a
    assert await store.remove(a.id) is None
    assert [p.text for p in await store.passages()] == ["b1"]
    assert [p.text for p in await store.passages([b.id, a.id])] == ["b1"]
    async with database.session() as session:  # the foreign key cascades on its own too
        row = await session.get(QaDocumentRow, b.id)
        await session.delete(row)
    assert await passage_count(database) == 0


async def test_long_titles_and_headings_are_clipped(database: Database) -> None:
    store = KnowledgeStore(database)
    long = "word " * 100
    embedding = encode(np.ones((2, EMBEDDING_SIZE), dtype=np.float32))
    result = await store.add_document(
        title=long, source="long.txt", content_hash="c" * 64, mime="text/plain", size=1,
        passages=[NewPassage(0, long, "text", embedding)],
    )  # fmt: skip
    assert len(result.document.title) == 255 and result.document.title.endswith("…")
    heading = (await store.passages())[0].heading
    assert heading is not None and len(heading) == 255


async def test_the_qa_tables_match_migration_0004(database: Database) -> None:
    def diff(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return [
            change for change in compare_metadata(context, Base.metadata) if "qa_" in repr(change)
        ]

    async with database.engine.connect() as connection:
        assert await connection.run_sync(diff) == []
