"""``[plugins.qa]``: the knowledge base's limits, folders and retrieval settings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from plugins.qa.index import DEFAULT_LEXICAL_WEIGHT
from plugins.qa.ingest import IngestOptions
from plugins.qa.passages import ChunkingOptions


class QaConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_document_mb: float = Field(default=10.0, gt=0)
    """Larger uploads and files are refused."""
    builtin_docs: bool = True
    """Index Sova's own README.md and docs/*.md (answers "how do I set a reminder?")."""
    folders: tuple[str, ...] = ()
    """Folders indexed at start (relative to ``[app] data_dir``): new and changed files are
    added, documents of deleted files dropped."""
    top_k: int = Field(default=5, ge=1, le=50)
    """Passages retrieved per question: the answer comes from the first, "More" shows up to
    three of the others."""
    answer_threshold: float = Field(default=0.5, ge=0, le=2)
    """Below this evidence score (the best sentence's cosine with the question plus a word
    overlap bonus) Sova says the documents hold no answer. At 0.5, 85 % of SQuAD questions
    are answered and 5 % of unanswerable ones wrongly; ``python -m plugins.qa.tune``."""
    use_reader: bool = True
    """Read English questions with the extractive reader for a short answer; off: the best
    sentence is the answer (no torch, less memory)."""
    reader_model: str = ""
    """A local Hugging Face QA checkpoint folder (relative to ``[app] data_dir``); "" = the
    packaged MiniLM reader."""
    reader_threshold: float = Field(default=0.15, ge=0, le=1)
    """Lowest reader score (P(start)·P(end)) for a span to be the short answer; below it
    the supporting sentence is the answer (``plugins/qa/answering.py``)."""
    lexical_weight: float = Field(default=DEFAULT_LEXICAL_WEIGHT, ge=0, le=1)
    passage_words: int = Field(default=150, ge=20)
    max_passage_words: int = Field(default=200, ge=20)
    overlap_words: int = Field(default=40, ge=0)

    def ingest_options(self) -> IngestOptions:
        chunking = ChunkingOptions(
            target_words=self.passage_words,
            max_words=max(self.max_passage_words, self.passage_words),
            overlap_words=min(self.overlap_words, self.passage_words - 1),
        )
        return IngestOptions(max_bytes=int(self.max_document_mb * 2**20), chunking=chunking)
