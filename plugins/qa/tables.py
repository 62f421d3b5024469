"""The knowledge base's tables, on Sova's shared metadata (migration: 0004_qa)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.events import utcnow
from bot.storage import Base, UTCDateTime


class QaDocumentRow(Base):
    """One indexed document. ``source`` names where it came from and identifies it for
    re-indexing (a path, or "upload by user N: name.pdf"); ``content_hash`` (SHA-256 of the
    file's bytes) makes the same content stored once."""

    __tablename__ = "qa_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(1000), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)  # bytes of the original file
    n_passages: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QaPassageRow(Base):
    """A passage of a document and its embeddings (float16 rows: the passage, then each
    sentence; see ``plugins.qa.embedding``), so a restart does not re-embed anything."""

    __tablename__ = "qa_passages"
    __table_args__ = (UniqueConstraint("document_id", "ordinal"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("qa_documents.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)  # reading order within the document, from 0
    heading: Mapped[str | None] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    embedding: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
