"""The catalog in memory: items, their vectors, and the lookups a request needs.

Built from the ``rec_items`` table after start and after every import, and replaced whole
(like the model snapshot), so a request never sees a catalog half updated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bot.nlu.embeddings import EMBEDDING_SIZE
from plugins.recommend.content import decode
from plugins.recommend.store import Item
from plugins.recommend.titles import find_title


@dataclass(frozen=True, slots=True)
class Catalog:
    items: tuple[Item, ...]
    by_id: Mapping[int, Item]
    position: Mapping[int, int]  # item id → row of ``vectors``
    vectors: NDArray[np.float32]  # unit rows; zeros where an item has no embedding yet
    has_vector: NDArray[np.bool_]
    genre_matrix: NDArray[np.float32]  # items × genres, 1 where the item has the genre

    @classmethod
    def build(cls, items: Sequence[Item]) -> Catalog:
        vectors = np.zeros((len(items), EMBEDDING_SIZE), dtype=np.float32)
        has_vector = np.zeros(len(items), dtype=bool)
        for row, item in enumerate(items):
            vector = decode(item.embedding)
            if vector is not None:
                vectors[row], has_vector[row] = vector, True
        names = {g: k for k, g in enumerate(dict.fromkeys(g for i in items for g in i.genres))}
        genre_matrix = np.zeros((len(items), len(names)), dtype=np.float32)
        for row, item in enumerate(items):
            genre_matrix[row, [names[g] for g in item.genres]] = 1.0
        return cls(
            genre_matrix=genre_matrix,
            items=tuple(items),
            by_id={item.id: item for item in items},
            position={item.id: row for row, item in enumerate(items)},
            vectors=vectors,
            has_vector=has_vector,
        )

    def __len__(self) -> int:
        return len(self.items)

    def find(self, title: str, kind: str | None = None) -> Item | None:
        return find_title(title, self.items, kind)

    def kinds(self) -> list[str]:
        return [kind for kind, _ in Counter(item.kind for item in self.items).most_common()]

    def genres(self, kind: str | None = None) -> list[str]:
        """Genres of the (``kind``'s) items, the most common first."""
        counts = Counter(
            genre for item in self.items if kind in (None, item.kind) for genre in item.genres
        )
        return [genre for genre, _ in counts.most_common()]

    def content_similarity(
        self, item_ids: Sequence[int], to: Sequence[int]
    ) -> tuple[NDArray[np.float32], list[int | None]]:
        """For each item of ``to``: its highest similarity to any of ``item_ids`` and which
        one that is. Similarity is the cosine of the text embeddings where both items have
        one, else the overlap of their genres."""
        sources = [i for i in item_ids if i in self.position]
        out = np.zeros(len(to), dtype=np.float32)
        if not sources or not to:
            return out, [None] * len(to)
        source_rows = np.asarray([self.position[i] for i in sources])
        target_rows = np.asarray([self.position[i] for i in to])
        cosine = self.vectors[target_rows] @ self.vectors[source_rows].T  # (targets, sources)
        both = self.has_vector[target_rows][:, None] & self.has_vector[source_rows][None, :]
        targets, sources_g = self.genre_matrix[target_rows], self.genre_matrix[source_rows]
        shared = targets @ sources_g.T
        union = targets.sum(axis=1)[:, None] + sources_g.sum(axis=1)[None, :] - shared
        overlap = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
        similarity = np.where(both, np.maximum(cosine, 0.0), overlap)
        best = similarity.argmax(axis=1)
        out[:] = similarity[np.arange(len(to)), best]
        return out, [sources[b] for b in best]


def _jaccard(a: Sequence[str], b: Sequence[str]) -> float:
    left, right = set(a), set(b)
    union = left | right
    return len(left & right) / len(union) if union else 0.0


def genre_similarity(a: Item, b: Item) -> float:
    """How alike two items' genres are (0..1): what diversity re-ranking spreads over."""
    return _jaccard(a.genres, b.genres)
