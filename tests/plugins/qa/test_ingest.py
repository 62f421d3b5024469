"""Documents into the knowledge base: every format, refusals, re-uploads, folders, restarts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage import Database
from plugins.qa.extract import DEFAULT_MAX_BYTES
from plugins.qa.ingest import IngestOptions, upload_source
from plugins.qa.knowledge_base import KnowledgeBase
from plugins.qa.records import AddResult, AddStatus
from plugins.qa.refusal import DocumentRefused, RefusalCode
from tests.plugins.qa import samples
from tests.plugins.qa.conftest import CountingEmbedder

DOCUMENTS = {
    "bees.txt": (
        "Пчёлы\n\nМёд пчёлы делают из нектара цветов. Один улей даёт до 30 кг мёда за лето."
    ).encode("cp1251"),
    "volcano.md": (
        b"# Volcanoes\n\nThe **Klyuchevskaya Sopka** volcano on Kamchatka is 4750 metres high."
    ),
    "trains.html": (
        b"<html><head><title>Trains</title></head><body><h1>Night trains</h1><p>The night "
        b"train from Moscow to Saint Petersburg takes about eight hours.</p></body></html>"
    ),
    "chess.pdf": samples.pdf(
        [
            [
                "Chess clocks limit each player's thinking time; a blitz game gives",
                "five minutes each.",
            ]
        ],
        title="Chess",
    ),
    "tea.docx": samples.docx_file(
        title="Tea",
        sections=[("Brewing", ["Green tea is brewed with water at 80 degrees for two minutes."])],
    ),
}
QUESTIONS = {
    "bees.txt": "Сколько мёда даёт один улей?",
    "volcano.md": "How high is the Klyuchevskaya volcano?",
    "trains.html": "How long does the night train to Saint Petersburg take?",
    "chess.pdf": "How much time does a blitz chess game give each player?",
    "tea.docx": "At what temperature is green tea brewed?",
}


async def add(kb: KnowledgeBase, name: str, data: bytes, user: int = 7) -> AddResult:
    return await kb.add(data, filename=name, source=upload_source(name, user))


async def test_every_format_is_ingested_and_found(sqlite_kb: KnowledgeBase) -> None:
    for name, data in DOCUMENTS.items():
        result = await add(sqlite_kb, name, data)
        assert result.status is AddStatus.ADDED
    documents = await sqlite_kb.documents()
    assert [(d.title, d.mime) for d in documents] == [
        ("Пчёлы", "text/plain"),
        ("Volcanoes", "text/markdown"),
        ("Trains", "text/html"),
        ("Chess", "application/pdf"),
        ("Tea", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ]
    assert documents[0].source == "upload by user 7: bees.txt"
    titles = {d.source.split(": ")[1]: d.title for d in documents}
    for name, question in QUESTIONS.items():
        hits = await sqlite_kb.search(question, k=3)
        assert hits[0].document_title == titles[name], question


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("photo.txt", samples.PNG_BYTES, RefusalCode.BINARY),
        ("report.pdf", samples.large_pdf(20 * 2**20), RefusalCode.TOO_BIG),
        ("scan.pdf", samples.blank_pdf(), RefusalCode.EMPTY),
        ("movie.mkv", b"\x1a\x45\xdf\xa3", RefusalCode.UNSUPPORTED),
        ("headings.md", b"# Only\n\n## Headings", RefusalCode.EMPTY),
    ],
    ids=["binary-as-txt", "20mb-pdf", "scan", "video", "headings-only"],
)
async def test_refused_uploads_store_nothing(
    sqlite_kb: KnowledgeBase,
    embedder: CountingEmbedder,
    name: str,
    data: bytes,
    code: RefusalCode,
) -> None:
    with pytest.raises(DocumentRefused) as caught:
        await add(sqlite_kb, name, data)
    assert caught.value.code is code
    assert await sqlite_kb.documents() == []
    assert await sqlite_kb.store.count_passages() == 0
    assert embedder.embedded == 0
    assert len(sqlite_kb.retriever.index) == 0


async def test_the_size_limit_is_configurable(sqlite_url: str, embedder: CountingEmbedder) -> None:
    db = Database(sqlite_url)
    await db.upgrade()
    try:
        kb = KnowledgeBase(db, embedder=embedder, options=IngestOptions(max_bytes=1000))
        with pytest.raises(DocumentRefused) as caught:
            await add(kb, "notes.txt", b"plain words. " * 100)
        assert caught.value.code is RefusalCode.TOO_BIG
        assert caught.value.values["limit_mb"] == "0.0"
        assert (await add(kb, "short.txt", b"Short note.")).status is AddStatus.ADDED
    finally:
        await db.dispose()
    assert DEFAULT_MAX_BYTES == 10 * 2**20


async def test_uploading_the_same_document_again_adds_nothing(
    kb: KnowledgeBase, embedder: CountingEmbedder
) -> None:
    first = await add(kb, "volcano.md", DOCUMENTS["volcano.md"])
    embedded = embedder.embedded
    again = await add(kb, "volcano.md", DOCUMENTS["volcano.md"])
    by_someone_else = await add(kb, "copy.md", DOCUMENTS["volcano.md"], user=8)
    assert again.status is by_someone_else.status is AddStatus.UNCHANGED
    assert again.document == by_someone_else.document == first.document
    assert embedder.embedded == embedded  # recognised by hash before any work
    assert len(await kb.documents()) == 1
    assert await kb.store.count_passages() == first.document.n_passages
    assert len(kb.retriever.index) == first.document.n_passages


async def test_a_new_version_replaces_the_old_passages(kb: KnowledgeBase) -> None:
    await add(kb, "train.md", b"# Trains\n\nThe night train leaves at 23:55 from platform 4.")
    result = await add(
        kb, "train.md", b"# Trains\n\nThe night train now leaves at 22:10 from platform 9."
    )
    assert result.status is AddStatus.REPLACED
    texts = [p.text for p in await kb.store.passages()]
    assert texts == ["The night train now leaves at 22:10 from platform 9."]
    hits = await kb.search("When does the night train leave?", k=5)
    assert [h.text for h in hits] == texts


async def test_remove_forgets_the_document_everywhere(kb: KnowledgeBase) -> None:
    tea = (await add(kb, "tea.docx", DOCUMENTS["tea.docx"])).document
    await add(kb, "volcano.md", DOCUMENTS["volcano.md"])
    assert (await kb.remove(tea.id)) == tea
    assert await kb.remove(tea.id) is None
    assert [d.title for d in await kb.documents()] == ["Volcanoes"]
    hits = await kb.search("green tea temperature", k=5)
    assert {h.document_title for h in hits} == {"Volcanoes"}


async def test_progress_is_reported_while_embedding(
    sqlite_url: str, embedder: CountingEmbedder
) -> None:
    db = Database(sqlite_url)
    await db.upgrade()
    calls: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        calls.append((done, total))

    try:
        kb = KnowledgeBase(db, embedder=embedder, options=IngestOptions(progress_every=4))
        text = "\n\n".join(f"Paragraph {i} is about topic number {i}. " * 40 for i in range(10))
        result = await kb.add(text.encode(), filename="long.txt", source="long", progress=progress)
    finally:
        await db.dispose()
    total = result.document.n_passages
    assert total >= 10
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert [done for done, _ in calls] == sorted({done for done, _ in calls})


async def test_a_folder_is_synchronised(
    sqlite_kb: KnowledgeBase, embedder: CountingEmbedder, tmp_path: Path
) -> None:
    folder = tmp_path / "kb"
    (folder / "sub").mkdir(parents=True)
    (folder / ".git").mkdir()
    (folder / "volcano.md").write_bytes(DOCUMENTS["volcano.md"])
    (folder / "sub" / "tea.docx").write_bytes(DOCUMENTS["tea.docx"])
    (folder / "bees.txt").write_bytes(DOCUMENTS["bees.txt"])
    (folder / "photo.txt").write_bytes(samples.PNG_BYTES)  # refused, the rest goes on
    (folder / ".git" / "notes.md").write_text("# hidden\n\ntext")
    (folder / "image.png").write_bytes(samples.PNG_BYTES)  # not a document type: skipped
    steps: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:  # a plain function works as well
        steps.append((done, total))

    report = await sqlite_kb.sync_folder(folder, progress=progress)
    assert sorted(d.title for d in report.added) == ["Tea", "Volcanoes", "Пчёлы"]
    assert [(r.path.name, r.refusal.code) for r in report.refused] == [
        ("photo.txt", RefusalCode.BINARY)
    ]
    assert steps[0] == (0, 4) and steps[-1] == (4, 4)
    embedded = embedder.embedded

    report = await sqlite_kb.sync_folder(folder)
    assert len(report.unchanged) == 3 and not report.added and not report.removed
    assert embedder.embedded == embedded

    (folder / "volcano.md").write_bytes(b"# Volcanoes\n\nKlyuchevskaya Sopka erupted in 2024.")
    (folder / "sub" / "tea.docx").unlink()
    report = await sqlite_kb.sync_folder(folder)
    assert [d.title for d in report.replaced] == ["Volcanoes"]
    assert [d.title for d in report.removed] == ["Tea"]
    assert sorted(d.title for d in await sqlite_kb.documents()) == ["Volcanoes", "Пчёлы"]
    hits = await sqlite_kb.search("When did the volcano erupt?", k=1)
    assert "2024" in hits[0].text

    report = await sqlite_kb.sync_folder(tmp_path / "unmounted")
    assert not report.removed
    assert len(await sqlite_kb.documents()) == 2


async def test_a_restart_loads_the_index_without_embedding_passages(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    await db.upgrade()
    try:
        first = KnowledgeBase(db, embedder=CountingEmbedder())
        for name in ("volcano.md", "trains.html"):
            await add(first, name, DOCUMENTS[name])
        restarted_embedder = CountingEmbedder()
        restarted = KnowledgeBase(db, embedder=restarted_embedder)
        assert await restarted.search("volcano", k=1) == []  # nothing loaded yet
        await restarted.load()
        hits = await restarted.search("How high is the volcano on Kamchatka?", k=1)
        assert hits[0].document_title == "Volcanoes"
        assert restarted_embedder.embedded == 0
    finally:
        await db.dispose()
