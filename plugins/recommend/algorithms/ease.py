"""EASE (Steck, 2019): a closed-form item-to-item model, Sova's default.

The weights B minimise ||X − XB||² + λ||B||² with a zero diagonal; the solution is one
inverse of the item Gram matrix: P = (XᵀX + λI)⁻¹, B = −P / diag(P). A user's scores are
their row times B, so a new press changes the scores at once with no per-user state, and
B[j, i] says how much having item j predicts item i (the "because you liked j" reason).

Why it is the default: on small and medium catalogs (up to a few thousand items) it is
more accurate than matrix factorisation on implicit data and has a single setting (λ); see
bench/README.md for the measurements. Its cost grows with the cube of the catalog size,
so very large catalogs fall back to iALS (``[plugins.recommend] ease_max_items``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from plugins.recommend.algorithms.base import Scores, as_float32


@dataclass(frozen=True, slots=True)
class FittedEase:
    weights: NDArray[np.float32]  # B, (n_items, n_items)

    @property
    def n_items(self) -> int:
        return int(self.weights.shape[0])

    def score(self, rows: sp.csr_matrix) -> Scores:
        scores: Scores = np.asarray(as_float32(rows) @ self.weights, dtype=np.float32)
        return scores

    def similar(self, item: int) -> Scores:
        column: Scores = np.ascontiguousarray(self.weights[:, item])
        return column


@dataclass(frozen=True, slots=True)
class Ease:
    """``l2`` is λ relative to the mean diagonal of XᵀX (the mean item weight), so one value
    suits small and large data sets alike; ``l2_floor`` keeps tiny data from overfitting.
    ``emphasis`` adds a penalty proportional to each item's own weight, p/(1−p)·G_ii (the
    dropout emphasis of EDLAE, Steck 2020): popular items are not explained away by each
    other, which helps the long tail (+3–5 % nDCG@10 in bench/README.md)."""

    l2: float = 4.0
    emphasis: float = 0.8
    l2_floor: float = 10.0
    name: str = "ease"

    def fit(self, interactions: sp.csr_matrix) -> FittedEase:
        x = as_float32(interactions)
        gram = np.asarray((x.T @ x).toarray(), dtype=np.float64)
        diagonal = np.diag_indices_from(gram)
        own = gram[diagonal].copy()
        penalty = max(self.l2 * float(own.mean()) if own.size else 0.0, self.l2_floor)
        gram[diagonal] += penalty + self.emphasis / (1.0 - self.emphasis) * own
        inverse = np.linalg.inv(gram)
        weights = inverse / -np.diag(inverse)
        weights[diagonal] = 0.0
        return FittedEase(weights.astype(np.float32))
