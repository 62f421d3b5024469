"""Users' histories → the sparse users × items matrix the algorithms read.

A history is a user's interactions in time order. Each weight is multiplied by a recency
factor that halves every ``half_life`` interactions back from the newest one: what someone
watched last says more about what they want next than what they watched two years ago
(measured: bench/README.md, "recsys"). ``half_life`` 0 switches the decay off.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

History = Sequence[tuple[int, float]]
"""(item index, weight) pairs, oldest first."""


def recency(n: int, half_life: float) -> NDArray[np.float64]:
    """Factors for positions 0..n−1 (oldest first): 1 for the newest, ½ ``half_life`` back."""
    if half_life <= 0:
        return np.ones(n)
    age = np.arange(n - 1, -1, -1, dtype=np.float64)
    factors: NDArray[np.float64] = 0.5 ** (age / half_life)
    return factors


def user_rows(histories: Sequence[History], n_items: int, half_life: float) -> sp.csr_matrix:
    """One row per history; an item met twice keeps its larger (more recent) weight."""
    indptr = [0]
    indices: list[NDArray[np.int64]] = []
    data: list[NDArray[np.float64]] = []
    for history in histories:
        if not history:
            indptr.append(indptr[-1])
            continue
        items = np.fromiter((item for item, _ in history), dtype=np.int64, count=len(history))
        weights = np.fromiter((w for _, w in history), dtype=np.float64, count=len(history))
        weights = weights * recency(len(history), half_life)
        order = np.lexsort((weights, items))  # by item, then weight: the last is the largest
        items, weights = items[order], weights[order]
        last = np.r_[items[1:] != items[:-1], True]
        indices.append(items[last])
        data.append(weights[last])
        indptr.append(indptr[-1] + int(last.sum()))
    matrix = sp.csr_matrix(
        (
            np.concatenate(data) if data else np.zeros(0),
            np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64),
            np.asarray(indptr),
        ),
        shape=(len(histories), n_items),
        dtype=np.float32,
    )
    matrix.eliminate_zeros()
    return matrix
