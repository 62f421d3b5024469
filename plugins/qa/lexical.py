"""BM25 over token lists, as one sparse matrix: scoring a query is a sum of a few rows.

Own implementation (about 40 lines on scipy, already a dependency) rather than a package:
the index is rebuilt whenever a document changes, and a term-by-passage matrix of
precomputed BM25 weights makes both the build and a query a handful of vector operations.
IDF is Lucene's, ``ln(1 + (N - df + 0.5) / (df + 0.5))``, which is never negative.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import sparse


class Bm25Index:
    def __init__(self, documents: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75):
        self.size = len(documents)
        self.vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        counts: list[float] = []
        lengths = np.array([len(d) for d in documents], dtype=np.float32)
        for doc_id, tokens in enumerate(documents):
            for term, count in Counter(tokens).items():
                rows.append(self.vocabulary.setdefault(term, len(self.vocabulary)))
                cols.append(doc_id)
                counts.append(count)
        tf = np.asarray(counts, dtype=np.float32)
        term_ids = np.asarray(rows, dtype=np.int64)
        doc_ids = np.asarray(cols, dtype=np.int64)
        df = np.bincount(term_ids, minlength=len(self.vocabulary)).astype(np.float32)
        self.idf = np.log1p((self.size - df + 0.5) / (df + 0.5)).astype(np.float32)
        average = float(lengths.mean()) if self.size and lengths.sum() else 1.0
        norm = k1 * (1 - b + b * lengths[doc_ids] / average)
        weights = self.idf[term_ids] * tf * (k1 + 1) / (tf + norm)
        self._weights = sparse.csr_matrix(
            (weights, (term_ids, doc_ids)), shape=(len(self.vocabulary), self.size)
        )
        self._unknown_idf = math.log1p((self.size + 0.5) / 0.5)

    def scores(self, query: Sequence[str]) -> NDArray[np.float32]:
        """BM25 score of every document (0 where no query term occurs)."""
        ids = sorted({self.vocabulary[t] for t in query if t in self.vocabulary})
        if not ids or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._weights[ids].sum(axis=0), dtype=np.float32).ravel()

    def coverage(self, query: Sequence[str]) -> float:
        """Share of the query's IDF mass that occurs in the index (0: no word is known).

        A Russian question over English documents has coverage near 0: its lexical scores
        are noise and the fusion should trust the dense side instead.
        """
        terms = set(query)
        if not terms:
            return 0.0
        known = [float(self.idf[self.vocabulary[t]]) for t in terms if t in self.vocabulary]
        unknown = (len(terms) - len(known)) * self._unknown_idf
        total = sum(known) + unknown
        return sum(known) / total if total else 0.0
