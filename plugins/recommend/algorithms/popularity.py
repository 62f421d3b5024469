"""Popularity: how many users interacted with each item. The cold-start answer (within the
genres a new user chose) and the floor every other algorithm is measured against."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from plugins.recommend.algorithms.base import Scores, as_float32


@dataclass(frozen=True, slots=True)
class FittedPopularity:
    counts: NDArray[np.float32]  # users per item

    @property
    def n_items(self) -> int:
        return int(self.counts.shape[0])

    def score(self, rows: sp.csr_matrix) -> Scores:
        return np.tile(self.counts, (rows.shape[0], 1))

    def similar(self, item: int) -> Scores:
        # Popularity knows nothing about pairs of items: every item is "like" the popular ones.
        return self.counts.copy()


@dataclass(frozen=True, slots=True)
class Popularity:
    name: str = "popularity"

    def fit(self, interactions: sp.csr_matrix) -> FittedPopularity:
        x = as_float32(interactions)
        counts = np.asarray((x > 0).sum(axis=0), dtype=np.float32).ravel()
        return FittedPopularity(counts)
