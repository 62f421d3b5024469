"""iALS (Hu, Koren, Volinsky, 2008) on the ``implicit`` library, with fold-in.

Training factorises the users × items matrix with confidence = ``alpha`` × weight (implicit's
convention) on the GPU when implicit has CUDA, else on the CPU. A user is never looked up
by id afterwards: their current row is *folded in*, i.e. their factor is solved by one
least-squares step against the fixed item factors,
    x_u = (YᵀY + Yᵀ(C_u − I)Y + λI)⁻¹ Yᵀ C_u p_u,
which is the same equation the training alternates on. So a new user's two likes, or an old
user's new press, change their list at once without a retrain.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from plugins.recommend.algorithms.base import Scores, as_float32

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FittedIals:
    item_factors: NDArray[np.float32]  # Y, (n_items, factors)
    gram: NDArray[np.float64]  # YᵀY + λI, shared by every fold-in
    alpha: float

    @property
    def n_items(self) -> int:
        return int(self.item_factors.shape[0])

    def user_factors(self, rows: sp.csr_matrix) -> NDArray[np.float64]:
        """One least-squares step per row against the fixed item factors (the fold-in)."""
        x = as_float32(rows)
        y = self.item_factors.astype(np.float64)
        out = np.zeros((x.shape[0], y.shape[1]), dtype=np.float64)
        for u in range(x.shape[0]):
            start, end = x.indptr[u], x.indptr[u + 1]
            if start == end:
                continue  # no interactions: a zero factor, every item scores 0
            items = x.indices[start:end]
            confidence = self.alpha * x.data[start:end].astype(np.float64)
            factors = y[items]
            a = self.gram + (factors.T * (confidence - 1.0)) @ factors
            b = factors.T @ confidence
            out[u] = np.linalg.solve(a, b)
        return out

    def score(self, rows: sp.csr_matrix) -> Scores:
        scores: Scores = (self.user_factors(rows) @ self.item_factors.T).astype(np.float32)
        return scores

    def similar(self, item: int) -> Scores:
        norms = np.linalg.norm(self.item_factors, axis=1)
        cosine = self.item_factors @ self.item_factors[item]
        similarity: Scores = (cosine / np.maximum(norms * norms[item], 1e-12)).astype(np.float32)
        return similarity


@dataclass(frozen=True, slots=True)
class Ials:
    factors: int = 64
    regularization: float = 0.05
    alpha: float = 2.0
    iterations: int = 15
    seed: int = 0
    name: str = "ials"

    def fit(self, interactions: sp.csr_matrix) -> FittedIals:
        from implicit.als import AlternatingLeastSquares  # type: ignore[import-untyped]

        x = as_float32(interactions)
        # implicit's CPU solver runs its own threads; BLAS threads on top of them make it
        # several times slower (implicit warns about it), so BLAS gets one for the fit.
        with threadpool_limits(1, "blas"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            model = AlternatingLeastSquares(
                factors=self.factors,
                regularization=self.regularization,
                alpha=self.alpha,
                iterations=self.iterations,
                random_state=self.seed,
            )
            model.fit(x, show_progress=False)
        if hasattr(model, "to_cpu"):
            model = model.to_cpu()  # a GPU fit: fold-in and scoring run in numpy
        factors = np.asarray(model.item_factors, dtype=np.float32)
        gram = factors.T.astype(np.float64) @ factors + self.regularization * np.eye(
            factors.shape[1]
        )
        return FittedIals(factors, gram, self.alpha)
