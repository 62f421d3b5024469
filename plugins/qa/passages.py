"""Documents → passages: paragraph-aware chunks of ~150 words with sentence overlap.

Whole paragraphs are packed into a passage until it reaches ``target_words``; a paragraph
that does not fit in ``max_words`` is packed sentence by sentence, and a single sentence
longer than that is cut by words (tables, code). Sentences are never cut otherwise. A
heading ends the passage and becomes the ``heading`` of the passages that follow. The
last sentences of a passage (up to ``overlap_words``) start the next one in the same
section, so an answer that straddles the boundary is whole in at least one passage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plugins.qa.document import Block
from plugins.qa.sentences import split_sentences


@dataclass(frozen=True, slots=True)
class ChunkingOptions:
    target_words: int = 150
    max_words: int = 200
    overlap_words: int = 40

    def __post_init__(self) -> None:
        if not 0 < self.target_words <= self.max_words:
            raise ValueError("need 0 < target_words <= max_words")
        if not 0 <= self.overlap_words < self.target_words:
            raise ValueError("need 0 <= overlap_words < target_words")


@dataclass(frozen=True, slots=True)
class PassageDraft:
    ordinal: int
    heading: str | None
    text: str
    """Sentences of one paragraph joined by spaces, paragraphs by newlines."""


def _words(text: str) -> int:
    return len(text.split())


def _pieces(sentence: str, max_words: int) -> list[str]:
    words = sentence.split()
    if len(words) <= max_words:
        return [sentence]
    return [" ".join(words[i : i + max_words]) for i in range(0, len(words), max_words)]


@dataclass
class _Packer:
    options: ChunkingOptions
    heading: str | None = None
    drafts: list[PassageDraft] = field(default_factory=list)
    # Paragraphs of the passage being built, each a list of sentences, and what joins them
    # (a newline where the source had line breaks: code, transcripts, lists).
    paragraphs: list[list[str]] = field(default_factory=list)
    joiners: list[str] = field(default_factory=list)
    words: int = 0
    fresh_words: int = 0  # words not carried over from the previous passage

    def emit(self, *, overlap: bool) -> None:
        if self.fresh_words == 0:
            self._reset([])
            return
        text = "\n".join(j.join(p) for j, p in zip(self.joiners, self.paragraphs, strict=True))
        self.drafts.append(PassageDraft(len(self.drafts), self.heading, text))
        self._reset(self._tail() if overlap else [])

    def _tail(self) -> list[tuple[str, list[str]]]:
        """The last sentences that fit in ``overlap_words``, as (joiner, sentences)."""
        tail: list[tuple[str, list[str]]] = []
        budget = self.options.overlap_words
        for joiner, paragraph in zip(
            reversed(self.joiners), reversed(self.paragraphs), strict=True
        ):
            kept: list[str] = []
            for sentence in reversed(paragraph):
                budget -= _words(sentence)
                if budget < 0:
                    break
                kept.insert(0, sentence)
            if kept:
                tail.insert(0, (joiner, kept))
            if budget <= 0 or len(kept) < len(paragraph):
                break
        return tail

    def _reset(self, carried: list[tuple[str, list[str]]]) -> None:
        self.joiners = [joiner for joiner, _ in carried]
        self.paragraphs = [sentences for _, sentences in carried]
        self.words = sum(_words(s) for p in self.paragraphs for s in p)
        self.fresh_words = 0

    def _open_paragraph(self, joiner: str) -> None:
        self.paragraphs.append([])
        self.joiners.append(joiner)

    def add_paragraph(self, sentences: list[str], joiner: str = " ") -> None:
        size = sum(_words(s) for s in sentences)
        if self.words + size > self.options.max_words:
            self.emit(overlap=True)
        self._open_paragraph(joiner)
        if self.words + size <= self.options.max_words:
            self.paragraphs[-1].extend(sentences)
            self._grow(size)
            return
        for sentence in sentences:
            size = _words(sentence)
            if self.words + size > self.options.max_words:
                self.emit(overlap=True)
                if self.words + size > self.options.max_words:
                    self._reset([])  # the overlap would push this passage over the maximum
                self._open_paragraph(joiner)
            elif not self.paragraphs:  # the last sentence filled a passage, nothing carried
                self._open_paragraph(joiner)
            self.paragraphs[-1].append(sentence)
            self._grow(size)

    def _grow(self, size: int) -> None:
        self.words += size
        self.fresh_words += size
        if self.words >= self.options.target_words:
            self.emit(overlap=True)


def chunk(blocks: tuple[Block, ...] | list[Block], options: ChunkingOptions) -> list[PassageDraft]:
    """Cut a document's blocks into passages, numbered from 0 in reading order."""
    packer = _Packer(options)
    for block in blocks:
        if block.is_heading:
            packer.emit(overlap=False)
            packer.heading = block.text
            continue
        sentences = [
            piece
            for sentence in split_sentences(block.text)
            for piece in _pieces(sentence, options.max_words)
        ]
        if sentences:
            packer.add_paragraph(sentences, "\n" if "\n" in block.text else " ")
    packer.emit(overlap=False)
    return packer.drafts
