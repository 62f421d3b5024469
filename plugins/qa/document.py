"""What an extractor hands on: a title and the text as paragraphs and headings, in order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph of clean text, or a heading that starts a section."""

    text: str
    """Whitespace-normalised text; one line unless the source had hard line breaks."""
    heading_level: int = 0
    """0 for body text, 1–6 for a heading (1 is the top level)."""

    @property
    def is_heading(self) -> bool:
        return self.heading_level > 0


@dataclass(frozen=True, slots=True)
class ExtractedDocument:
    title: str
    blocks: tuple[Block, ...]
    mime: str
    """The format it was read as (``text/markdown``, ``application/pdf``, ...)."""

    @property
    def text(self) -> str:
        """The clean text, paragraphs separated by blank lines."""
        return "\n\n".join(block.text for block in self.blocks)

    @property
    def word_count(self) -> int:
        return sum(len(block.text.split()) for block in self.blocks)
