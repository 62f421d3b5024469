"""What every recommendation algorithm offers: fit on a user × item matrix, then score.

The matrix holds implicit feedback: a positive weight where a user interacted with an item
(liked, saw, or an imported rating), nothing elsewhere. A fitted model scores *any* user row,
including users it never saw in training, so a new user's first presses count at once
(for a factor model that is the fold-in: one least-squares step against the fixed item
factors; for an item-to-item model the row itself is the user).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

Scores = NDArray[np.float32]


class FittedModel(Protocol):
    """A trained model; immutable once built, so requests may share it across threads."""

    @property
    def n_items(self) -> int: ...

    def score(self, rows: sp.csr_matrix) -> Scores:
        """Scores of every item for each user row, shape (rows, n_items); higher is better."""
        ...

    def similar(self, item: int) -> Scores:
        """How strongly each item goes with ``item`` (item-to-item), shape (n_items,)."""
        ...


class Algorithm(Protocol):
    """A recommendation algorithm with its settings."""

    @property
    def name(self) -> str: ...

    def fit(self, interactions: sp.csr_matrix) -> FittedModel:
        """Train on a users × items matrix of non-negative weights."""
        ...


def as_float32(matrix: sp.spmatrix | sp.sparray) -> sp.csr_matrix:
    """A CSR float32 copy without explicit zeros (the form every algorithm expects)."""
    csr = sp.csr_matrix(matrix, dtype=np.float32)
    csr.eliminate_zeros()
    return csr
