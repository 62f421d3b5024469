"""BIO tags ⇄ labelled spans, with conlleval's reading of ill-formed sequences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

OUTSIDE = "O"


@dataclass(frozen=True, slots=True)
class Chunk:
    """Tokens [first, stop) labelled `label`."""

    label: str
    first: int
    stop: int


def chunks_from_tags(tags: Sequence[str]) -> list[Chunk]:
    """Spans in a BIO sequence. As in conlleval, an I- that does not continue a chunk of the
    same label starts a new one (so a tagger's stray I- still counts as an attempt)."""
    chunks: list[Chunk] = []
    label: str | None = None
    first = 0
    for index, tag in enumerate([*tags, OUTSIDE]):
        prefix, _, name = tag.partition("-")
        continues = prefix == "I" and name == label
        if label is not None and not continues:
            chunks.append(Chunk(label, first, index))
            label = None
        if prefix in ("B", "I") and not continues:
            label, first = name, index
    return chunks


def tags_from_chunks(length: int, chunks: Sequence[Chunk]) -> list[str]:
    tags = [OUTSIDE] * length
    for chunk in chunks:
        for index in range(chunk.first, chunk.stop):
            tags[index] = ("B-" if index == chunk.first else "I-") + chunk.label
    return tags
