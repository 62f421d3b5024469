"""Users' histories → the sparse users × items matrix the algorithms read.

A history is a user's interactions in time order. Each weight is multiplied by a recency
factor that halves every ``half_life`` interactions back from the newest one: what someone
watched last says more about what they want next than what they watched two years ago
(measured: bench/README.md, "recsys"). ``half_life`` 0 switches the decay off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray


@dataclass(frozen=True, slots=True)
class Flat:
    """Histories as flat arrays (one entry per interaction, history after history), made
    once and then scored, cut and re-weighted without Python loops."""

    lengths: NDArray[np.int64]
    items: NDArray[np.int64]
    weights: NDArray[np.float64]
    times: NDArray[np.float64]  # zeros for histories without times

    @classmethod
    def of(cls, histories: Sequence[Sequence[tuple[int, float] | tuple[int, float, float]]]
           ) -> Flat:  # fmt: skip
        """From (item, weight) or (item, weight, time) entries."""
        lengths = np.fromiter((len(h) for h in histories), dtype=np.int64, count=len(histories))
        total = int(lengths.sum())
        items = np.fromiter((e[0] for h in histories for e in h), dtype=np.int64, count=total)
        weights = np.fromiter((e[1] for h in histories for e in h), np.float64, count=total)
        first = next((h[0] for h in histories if h), ())
        times = (
            np.fromiter((e[2] for h in histories for e in h), np.float64, count=total)  # type: ignore[misc]
            if len(first) > 2
            else np.zeros(total)
        )
        return cls(lengths, items, weights, times)

    @property
    def ends(self) -> NDArray[np.int64]:
        """Index after each history's last entry."""
        ends: NDArray[np.int64] = np.cumsum(self.lengths)
        return ends

    def owners(self) -> NDArray[np.int64]:
        """The history of each entry."""
        return np.repeat(np.arange(len(self.lengths)), self.lengths)

    def keep(self, mask: NDArray[np.bool_]) -> Flat:
        """The same histories with only the entries where ``mask`` is true."""
        lengths = np.bincount(self.owners()[mask], minlength=len(self.lengths)).astype(np.int64)
        return Flat(lengths, self.items[mask], self.weights[mask], self.times[mask])

    def prefixes(self, histories: NDArray[np.int64], back: NDArray[np.int64]) -> Flat:
        """For each (history h, number b): history h without its newest b entries."""
        starts = self.ends[histories] - self.lengths[histories]
        lengths = self.lengths[histories] - back
        offsets = np.cumsum(lengths) - lengths
        index = np.arange(int(lengths.sum())) + np.repeat(starts - offsets, lengths)
        return Flat(lengths, self.items[index], self.weights[index], self.times[index])

    def rows(self, n_items: int, half_life: float) -> sp.csr_matrix:
        """One row per history; an item met twice keeps its larger (more recent) weight."""
        total = len(self.items)
        users = np.repeat(np.arange(len(self.lengths)), self.lengths)
        weights = self.weights
        if half_life > 0 and total:
            # Positions counted back from each history's newest interaction (0 = newest).
            age = np.repeat(np.cumsum(self.lengths), self.lengths) - 1 - np.arange(total)
            weights = weights * 0.5 ** (age / half_life)
        # One cell per (user, item): sorted by that pair, each run keeps its largest weight.
        cells = users * n_items + self.items
        order = np.argsort(cells, kind="stable")
        cells, weights = cells[order], weights[order]
        starts = np.flatnonzero(np.r_[True, cells[1:] != cells[:-1]]) if total else order
        largest = np.maximum.reduceat(weights, starts) if total else weights
        cells = cells[starts]
        indptr = np.r_[0, np.cumsum(np.bincount(cells // n_items, minlength=len(self.lengths)))]
        matrix = sp.csr_matrix(
            (largest, cells % n_items, indptr),
            shape=(len(self.lengths), n_items),
            dtype=np.float32,
        )
        matrix.eliminate_zeros()
        return matrix


def user_rows(histories: Sequence[Sequence[tuple[int, float] | tuple[int, float, float]]],
              n_items: int, half_life: float) -> sp.csr_matrix:  # fmt: skip
    """One row per history of (item, weight[, time]) entries, oldest first; an item met
    twice keeps its larger (more recent) weight."""
    return Flat.of(histories).rows(n_items, half_life)
