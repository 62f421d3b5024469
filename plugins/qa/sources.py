"""What the knowledge base mirrors from disk: Sova's own docs and the configured folders.

Synchronised in the background at start and by ``/kb reindex``; one run at a time, so a
re-index asked for during the start-up run waits for it instead of racing it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path

from plugins.qa.ingest import REPO_ROOT, Progress, SyncReport, folder_files, sova_docs
from plugins.qa.knowledge_base import KnowledgeBase

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SourceGroup:
    files: list[Path]
    scope: Path
    """Documents of files under it that are gone get removed."""


class Sources:
    def __init__(self, kb: KnowledgeBase, *, builtin_docs: bool, folders: list[Path]) -> None:
        self.kb = kb
        self.builtin_docs = builtin_docs
        self.folders = folders
        self._running = asyncio.Lock()

    @property
    def busy(self) -> bool:
        return self._running.locked()

    def groups(self) -> list[SourceGroup]:
        """Blocking (lists folders): call in a thread."""
        groups = []
        if self.builtin_docs:
            groups.append(SourceGroup(sova_docs(), REPO_ROOT))
        for folder in self.folders:
            if folder.is_dir():
                groups.append(SourceGroup(folder_files(folder), folder))
            else:
                # Not "every file was deleted": an unmounted folder must not empty the index.
                log.warning("knowledge base: folder %s does not exist; skipped", folder)
        return groups

    async def sync(self, *, progress: Progress | None = None, force: bool = False) -> SyncReport:
        """Index new and changed files (every file with ``force``), drop deleted ones.
        ``progress`` gets (files done, files in all sources)."""
        async with self._running:
            groups = await asyncio.to_thread(self.groups)
            total = sum(len(g.files) for g in groups)
            report = SyncReport()
            done = 0
            for group in groups:
                offset = done
                part = await self.kb.sync_files(
                    group.files,
                    scope=group.scope,
                    progress=_shifted(progress, offset, total),
                    force=force,
                )
                _merge(report, part)
                done += len(group.files)
            return report


def _shifted(progress: Progress | None, offset: int, total: int) -> Progress | None:
    """One group's (done, group size) as (done in all groups, total)."""
    if progress is None:
        return None
    report: Progress = progress

    def shifted(done: int, _: int) -> Awaitable[None] | None:
        return report(offset + done, total)

    return shifted


def _merge(into: SyncReport, part: SyncReport) -> None:
    into.added += part.added
    into.replaced += part.replaced
    into.unchanged += part.unchanged
    into.removed += part.removed
    into.refused += part.refused
    into.removed_ids |= part.removed_ids
