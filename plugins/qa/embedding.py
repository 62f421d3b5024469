"""Dense vectors for passages and questions (USE multilingual, shared with the NLU).

A passage is stored as a small matrix: row 0 embeds the whole passage (with its document
title and section heading in front), the other rows embed its sentences one by one. Its
dense score for a question is the mean of the cosine with row 0 and the best cosine with a
sentence: the whole passage catches the topic, the best sentence the exact fact (measured
on SQuAD dev, this mix beats either alone; see ``plugins/qa/evaluate.py``). Stored as
float16: half the bytes, and the cosines move by less than 1e-3.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bot.nlu.embeddings import EMBEDDING_SIZE, SentenceEmbedder, shared_use_embedder
from plugins.qa.sentences import split_sentences

STORED_DTYPE = np.float16


@dataclass(frozen=True, slots=True)
class PassageText:
    """What is embedded for one passage."""

    context: str
    """Title, heading and text in one string (see ``passage_context``)."""
    text: str


def passage_context(title: str, heading: str | None, text: str) -> str:
    """The text a passage is matched on: its title and heading say what it is about."""
    parts = [title.strip(), (heading or "").strip()]
    prefix = ". ".join(p for p in parts if p and p != text.strip())
    return f"{prefix}. {text}" if prefix else text


def encode(matrix: NDArray[np.float32]) -> bytes:
    return np.ascontiguousarray(matrix, dtype=STORED_DTYPE).tobytes()


def decode(blob: bytes) -> NDArray[np.float32]:
    """Stored bytes → (rows, EMBEDDING_SIZE) float32."""
    row_bytes = EMBEDDING_SIZE * np.dtype(STORED_DTYPE).itemsize
    if not blob or len(blob) % row_bytes:
        raise ValueError(f"embedding of {len(blob)} bytes is not whole rows of {row_bytes}")
    flat = np.frombuffer(blob, dtype=STORED_DTYPE)
    return flat.reshape(-1, EMBEDDING_SIZE).astype(np.float32)


class PassageEmbedder:
    """Embeds passages (blocking: call from a worker thread) and questions."""

    def __init__(self, embed: SentenceEmbedder | None = None, *, batch_size: int = 64) -> None:
        self._embed = embed or shared_use_embedder()
        self.batch_size = batch_size

    def passages(self, passages: Sequence[PassageText]) -> list[bytes]:
        """One encoded matrix per passage (see the module doc)."""
        texts: list[str] = []
        owners: list[int] = []
        for i, passage in enumerate(passages):
            sentences = split_sentences(passage.text) or [passage.text]
            texts.append(passage.context)
            texts.extend(sentences)
            owners.extend([i] * (1 + len(sentences)))
        vectors = self.texts(texts)
        bounds = np.searchsorted(np.asarray(owners), np.arange(len(passages) + 1))
        return [encode(vectors[bounds[i] : bounds[i + 1]]) for i in range(len(passages))]

    def texts(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Unit vectors, (len(texts), EMBEDDING_SIZE), in batches."""
        if not texts:
            return np.zeros((0, EMBEDDING_SIZE), dtype=np.float32)
        parts = [
            self._embed(texts[i : i + self.batch_size])
            for i in range(0, len(texts), self.batch_size)
        ]
        vectors = np.vstack(parts).astype(np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: NDArray[np.float32] = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
        return unit

    def question(self, question: str) -> NDArray[np.float32]:
        vector: NDArray[np.float32] = self.texts([question])[0]
        return vector
