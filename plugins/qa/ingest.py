"""Documents into the knowledge base: extract → passages → embeddings → store.

Blocking steps (extraction, embedding) run in worker threads. Content already stored is
recognised by its SHA-256 before any of that work. Folders are synchronised: new and
changed files are indexed, unchanged ones skipped, and documents whose file disappeared
are removed.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from plugins.qa.embedding import PassageEmbedder, PassageText, passage_context
from plugins.qa.extract import DEFAULT_MAX_BYTES, SUPPORTED_EXTENSIONS, check_size, extract
from plugins.qa.passages import ChunkingOptions, PassageDraft, chunk
from plugins.qa.records import AddResult, AddStatus, KnowledgeDocument, NewPassage
from plugins.qa.refusal import DocumentRefused, RefusalCode
from plugins.qa.store import KnowledgeStore

log = logging.getLogger(__name__)

Progress = Callable[[int, int], Awaitable[None] | None]
"""Called with (done, total): passages embedded for one document, files for a folder."""

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class IngestOptions:
    max_bytes: int = DEFAULT_MAX_BYTES
    chunking: ChunkingOptions = field(default_factory=ChunkingOptions)
    progress_every: int = 32
    """Passages embedded between two progress calls (and per worker-thread call)."""


@dataclass(frozen=True, slots=True)
class FileRefused:
    path: Path
    refusal: DocumentRefused


@dataclass(slots=True)
class SyncReport:
    """What a folder synchronisation did; ids are document ids."""

    added: list[KnowledgeDocument] = field(default_factory=list)
    replaced: list[KnowledgeDocument] = field(default_factory=list)
    unchanged: list[KnowledgeDocument] = field(default_factory=list)
    removed: list[KnowledgeDocument] = field(default_factory=list)
    refused: list[FileRefused] = field(default_factory=list)
    removed_ids: set[int] = field(default_factory=set)

    @property
    def changed_ids(self) -> set[int]:
        return {d.id for d in (*self.added, *self.replaced)}


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_source(path: Path) -> str:
    """The ``source`` of a document read from a file: its absolute path."""
    return str(path.resolve())


def upload_source(filename: str, user_id: int) -> str:
    """The ``source`` of an uploaded file: the same name from the same user is the same
    document (a new version replaces the old one)."""
    return f"upload by user {user_id}: {Path(filename).name}"


def folder_files(folder: Path) -> list[Path]:
    """Supported documents under ``folder`` (recursively, hidden entries skipped), sorted."""
    found = []
    for path in sorted(folder.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
        if not hidden and path.suffix.lower() in SUPPORTED_EXTENSIONS and path.is_file():
            found.append(path)
    return found


def sova_docs(root: Path = REPO_ROOT) -> list[Path]:
    """Sova's own documentation (README.md, docs/*.md): the built-in knowledge base."""
    return [p for p in [root / "README.md", *sorted((root / "docs").glob("*.md"))] if p.is_file()]


async def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is None:
        return
    result = progress(done, total)
    if inspect.isawaitable(result):
        await result


class Ingestor:
    def __init__(
        self,
        store: KnowledgeStore,
        embedder: PassageEmbedder,
        options: IngestOptions | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.options = options or IngestOptions()

    async def add_bytes(
        self,
        data: bytes,
        *,
        filename: str,
        source: str,
        mime: str | None = None,
        progress: Progress | None = None,
        force: bool = False,
    ) -> AddResult:
        """Index one document; raises ``DocumentRefused`` (and stores nothing) if it can't."""
        check_size(len(data), self.options.max_bytes)
        digest = await asyncio.to_thread(content_hash, data)
        if not force:
            known = await self.store.reuse(digest, source)
            if known is not None:
                return known
        title, mime_read, drafts = await asyncio.to_thread(self._passages, data, filename, mime)
        blobs = await self._embed(title, drafts, progress)
        passages = [
            NewPassage(d.ordinal, d.heading, d.text, blob)
            for d, blob in zip(drafts, blobs, strict=True)
        ]
        return await self.store.add_document(
            title=title, source=source, content_hash=digest, mime=mime_read,
            size=len(data), passages=passages, force=force,
        )  # fmt: skip

    def _passages(
        self, data: bytes, filename: str, mime: str | None
    ) -> tuple[str, str, list[PassageDraft]]:
        document = extract(data, filename, mime=mime, max_bytes=self.options.max_bytes)
        drafts = chunk(document.blocks, self.options.chunking)
        if not drafts:
            raise DocumentRefused(
                RefusalCode.EMPTY,
                "I found only headings in this document, no text to answer from.",
            )
        return document.title, document.mime, drafts

    async def _embed(
        self, title: str, drafts: Sequence[PassageDraft], progress: Progress | None
    ) -> list[bytes]:
        blobs: list[bytes] = []
        step = self.options.progress_every
        await _report(progress, 0, len(drafts))
        for start in range(0, len(drafts), step):
            batch = [
                PassageText(passage_context(title, d.heading, d.text), d.text)
                for d in drafts[start : start + step]
            ]
            blobs.extend(await asyncio.to_thread(self.embedder.passages, batch))
            await _report(progress, len(blobs), len(drafts))
        return blobs

    async def add_file(
        self, path: Path, *, progress: Progress | None = None, force: bool = False
    ) -> AddResult:
        source, data = await asyncio.to_thread(_read_file, path, self.options.max_bytes)
        return await self.add_bytes(
            data, filename=path.name, source=source, progress=progress, force=force
        )

    async def sync_files(
        self,
        files: Iterable[Path],
        *,
        scope: Path | None = None,
        progress: Progress | None = None,
        force: bool = False,
    ) -> SyncReport:
        """Index ``files`` (unchanged ones are skipped unless ``force``), then remove the
        documents whose file under ``scope`` no longer exists. A refused file is reported
        and skipped; the others are still indexed."""
        paths = list(files)
        report = SyncReport()
        await _report(progress, 0, len(paths))
        for done, path in enumerate(paths, start=1):
            try:
                result = await self.add_file(path, force=force)
            except DocumentRefused as refusal:
                log.warning("knowledge base: %s refused: %s", path, refusal.message)
                report.refused.append(FileRefused(path, refusal))
            except OSError as exc:
                log.warning("knowledge base: cannot read %s: %s", path, exc)
                report.refused.append(
                    FileRefused(path, DocumentRefused(RefusalCode.CORRUPT, f"unreadable: {exc}"))
                )
            else:
                _tally(report, result)
            await _report(progress, done, len(paths))
        if scope is not None:
            await self._remove_missing(scope, report)
        return report

    async def sync_folder(
        self, folder: Path, *, progress: Progress | None = None, force: bool = False
    ) -> SyncReport:
        if not await asyncio.to_thread(folder.is_dir):
            # Not "every file was deleted": an unmounted folder must not empty the index.
            log.warning("knowledge base: folder %s does not exist; nothing synchronised", folder)
            return SyncReport()
        files = await asyncio.to_thread(folder_files, folder)
        return await self.sync_files(files, scope=folder, progress=progress, force=force)

    async def _remove_missing(self, scope: Path, report: SyncReport) -> None:
        documents = await self.store.documents()
        for document_id in await asyncio.to_thread(_missing_files, documents, scope):
            removed = await self.store.remove(document_id)
            if removed is not None:
                report.removed.append(removed)
                report.removed_ids.add(removed.id)


def _read_file(path: Path, max_bytes: int) -> tuple[str, bytes]:
    """(source, bytes) of a file; a file over the limit is refused before it is read."""
    check_size(path.stat().st_size, max_bytes)
    return file_source(path), path.read_bytes()


def _missing_files(documents: Sequence[KnowledgeDocument], scope: Path) -> list[int]:
    """Ids of the documents read from a file under ``scope`` that is gone."""
    root = scope.resolve()
    missing = []
    for document in documents:
        path = Path(document.source)
        if path.is_absolute() and path.is_relative_to(root) and not path.is_file():
            missing.append(document.id)
    return missing


def _tally(report: SyncReport, result: AddResult) -> None:
    report.removed_ids.update(result.removed_ids)
    if result.status is AddStatus.ADDED:
        report.added.append(result.document)
    elif result.status is AddStatus.REPLACED:
        report.replaced.append(result.document)
    else:
        report.unchanged.append(result.document)
