"""Word clusters from sentence embeddings, as generalising features for the slot tagger.

Each training word is embedded on its own and the vectors are grouped by k-means; a word never
seen in training gets the cluster of its nearest centroid. So "папе" can share a cluster with
"маме" and inherit what the tagger learned about it, in either language.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.cluster import KMeans

from bot.nlu.embeddings import SentenceEmbedder
from bot.nlu.text import fold

_MEMO_LIMIT = 50_000  # unseen words remembered between calls; bounded so memory cannot grow


class WordClusters:
    def __init__(self, embedder: SentenceEmbedder, n_clusters: int = 64, seed: int = 0) -> None:
        self.embedder: SentenceEmbedder | None = embedder
        self.n_clusters = n_clusters
        self.seed = seed
        self._centroids: NDArray[np.float32] = np.zeros((0, 0), dtype=np.float32)
        self._known: dict[str, int] = {}

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["embedder"] = None  # re-attached after loading; it is not learned state
        return state

    def fit(self, words: Iterable[str]) -> WordClusters:
        vocabulary = sorted({fold(word) for word in words})
        if not vocabulary:
            return self
        vectors = self._embed(vocabulary)
        clusters = max(1, min(self.n_clusters, len(vocabulary) // 4))
        kmeans = KMeans(n_clusters=clusters, n_init=3, random_state=self.seed).fit(vectors)
        self._centroids = np.asarray(kmeans.cluster_centers_, dtype=np.float32)
        self._known = dict(zip(vocabulary, map(int, kmeans.labels_), strict=True))
        return self

    def lookup(self, words: Sequence[str]) -> list[str]:
        """A cluster id per word ("" before fitting)."""
        if not len(self._centroids):
            return [""] * len(words)
        folded = [fold(word) for word in words]
        unseen = sorted({word for word in folded if word not in self._known})
        if unseen:
            nearest = (self._embed(unseen) @ self._centroids.T).argmax(axis=1)
            if len(self._known) < _MEMO_LIMIT:
                self._known.update(zip(unseen, map(int, nearest), strict=True))
            else:
                return [str(self._cluster(word, unseen, nearest)) for word in folded]
        return [str(self._known[word]) for word in folded]

    def _cluster(self, word: str, unseen: list[str], nearest: NDArray[np.intp]) -> int:
        known = self._known.get(word)
        return known if known is not None else int(nearest[unseen.index(word)])

    def _embed(self, words: Sequence[str]) -> NDArray[np.float32]:
        if self.embedder is None:
            raise RuntimeError("WordClusters needs its embedder re-attached after unpickling")
        return self.embedder(words)
