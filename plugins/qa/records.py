"""What the knowledge base's store hands out: frozen snapshots, never ORM rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class KnowledgeDocument:
    id: int
    title: str
    source: str
    content_hash: str
    mime: str
    size: int
    n_passages: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class NewPassage:
    """A passage to store: its text, section heading and encoded embeddings."""

    ordinal: int
    heading: str | None
    text: str
    embedding: bytes


@dataclass(frozen=True, slots=True)
class StoredPassage:
    id: int
    document_id: int
    document_title: str
    ordinal: int
    heading: str | None
    text: str
    embedding: bytes


class AddStatus(StrEnum):
    ADDED = "added"
    """A new document."""
    REPLACED = "replaced"
    """Same source, new content: its passages were replaced (re-indexed)."""
    UNCHANGED = "unchanged"
    """This content is already stored (under this or another source): nothing added."""


@dataclass(frozen=True, slots=True)
class AddResult:
    document: KnowledgeDocument
    status: AddStatus
    removed_ids: tuple[int, ...] = ()
    """Documents deleted on the way: the source's old version when its content now
    duplicates another document's."""
