"""Content similarity: items as multilingual sentence embeddings of their title, genres and
description (USE multilingual, shared with the NLU; MODELS.md).

Collaborative scores need interactions; an item added today has none. Until it has, it
reaches users through the items they liked that read alike ("new here, like Dune"), and a
"more like X" request leans on it for items without history. Vectors are stored as float16
in ``rec_items.embedding``, so a restart embeds nothing again.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from bot.nlu.embeddings import EMBEDDING_SIZE, SentenceEmbedder, shared_use_embedder
from plugins.recommend.store import Item
from plugins.recommend.vocabulary import label

STORED_DTYPE = np.float16
BATCH = 64


def item_text(item: Item) -> str:
    """What an item is embedded as: both titles, its genres in both languages, description."""
    genres = ", ".join(dict.fromkeys(label(g, lang) for g in item.genres for lang in ("en", "ru")))
    parts = [item.title, item.title_ru or "", genres, item.description]
    return ". ".join(part.strip() for part in parts if part and part.strip())


def encode(vector: NDArray[np.float32]) -> bytes:
    return np.ascontiguousarray(vector, dtype=STORED_DTYPE).tobytes()


def decode(blob: bytes | None) -> NDArray[np.float32] | None:
    if not blob or len(blob) != EMBEDDING_SIZE * np.dtype(STORED_DTYPE).itemsize:
        return None
    return np.frombuffer(blob, dtype=STORED_DTYPE).astype(np.float32)


class ItemEmbedder:
    """Unit vectors for items (blocking: call from a worker thread)."""

    def __init__(self, embed: SentenceEmbedder | None = None) -> None:
        self._embed = embed

    def __call__(self, items: Sequence[Item]) -> list[bytes]:
        embed = self._embed or shared_use_embedder()
        texts = [item_text(item) for item in items]
        out: list[bytes] = []
        for start in range(0, len(texts), BATCH):
            vectors = np.asarray(embed(texts[start : start + BATCH]), dtype=np.float32)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            out.extend(encode(v) for v in vectors / np.maximum(norms, 1e-12))
        return out
