"""Diversity re-ranking (maximal marginal relevance): a list of ten space operas is worse
than one that also holds the best thriller, even when each space opera scores a bit higher.

Items are taken greedily: each next one maximises
    (1 − weight) · relevance − weight · (its highest similarity to an item already taken),
with relevance scaled to 0..1 over the candidates. Weight 0 keeps the original order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

Similarity = NDArray[np.float32] | Callable[[int, int], float]
"""An items × items matrix, or a function of two item indices."""


def rerank(
    candidates: Sequence[int],
    relevance: Sequence[float],
    similarity: Similarity,
    k: int,
    weight: float,
) -> list[int]:
    """The first ``k`` of ``candidates`` (best first) re-ordered for diversity."""
    if weight <= 0 or len(candidates) <= 1:
        return list(candidates[:k])
    values = np.asarray(relevance, dtype=np.float64)
    span = float(values.max() - values.min())
    scaled = (values - values.min()) / span if span > 0 else np.ones_like(values)

    def sim(a: int, b: int) -> float:
        if callable(similarity):
            return similarity(a, b)
        return float(similarity[a, b])

    chosen: list[int] = []
    closest = np.zeros(len(candidates))  # each candidate's highest similarity to the chosen
    left = list(range(len(candidates)))
    while left and len(chosen) < k:
        gains = [(1 - weight) * scaled[i] - weight * closest[i] for i in left]
        best = left.pop(int(np.argmax(gains)))
        chosen.append(candidates[best])
        for i in left:
            closest[i] = max(closest[i], sim(candidates[i], candidates[best]))
    return chosen
