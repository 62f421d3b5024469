"""When each item was popular: every positive interaction's time, so that "what people were
taking up around the time this user was last active" can be counted for any moment.

Why it matters: the item someone picks next is often one that many others were picking at the
same time (a new release, a season's hit), which a model of co-occurrence over the whole log
cannot see. On MovieLens-like data (bench/README.md, "recsys") blending this recent popularity
into the model's scores is worth more than any setting of the model itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from plugins.recommend.matrix import Flat

TimedHistory = Sequence[tuple[int, float, float]]
"""(item column, weight, time in seconds) of one user's positive interactions, oldest first."""


@dataclass(frozen=True, slots=True)
class Timeline:
    times: NDArray[np.float64]  # sorted ascending
    items: NDArray[np.int64]  # the item of each time
    n_items: int

    @classmethod
    def of(cls, histories: Sequence[TimedHistory] | Flat, n_items: int) -> Timeline:
        flat = histories if isinstance(histories, Flat) else Flat.of(histories)
        order = np.argsort(flat.times, kind="stable")
        return cls(flat.times[order], flat.items[order], n_items)

    @property
    def span(self) -> float:
        """Seconds from the first interaction to the last (0 when there are fewer than two)."""
        return float(self.times[-1] - self.times[0]) if self.times.size > 1 else 0.0

    def recent_counts(self, anchors: NDArray[np.float64], window: float) -> NDArray[np.float32]:
        """Per anchor time, how many interactions each item had in the ``window`` seconds up
        to and including it: shape (anchors, n_items)."""
        counts = np.zeros((len(anchors), self.n_items), dtype=np.float32)
        if window <= 0 or not self.times.size:
            return counts
        starts = np.searchsorted(self.times, anchors - window, side="left")
        ends = np.searchsorted(self.times, anchors, side="right")
        for row, (start, end) in enumerate(zip(starts, ends, strict=True)):
            if end > start:
                counts[row] = np.bincount(self.items[start:end], minlength=self.n_items)
        return counts
