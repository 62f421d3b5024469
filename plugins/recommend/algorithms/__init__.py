"""Recommendation algorithms behind one small protocol (``base.py``), chosen by name.

The name comes from ``[plugins.recommend] algorithm`` or, per user, from an A/B experiment
on ``recommend.algorithm``; ``algorithm_for`` builds it with the configured settings.
"""

from __future__ import annotations

import logging

from plugins.recommend.algorithms.base import Algorithm, FittedModel
from plugins.recommend.algorithms.ease import Ease
from plugins.recommend.algorithms.ials import Ials
from plugins.recommend.algorithms.popularity import Popularity
from plugins.recommend.config import RecommendConfig

log = logging.getLogger(__name__)

ALGORITHMS = ("ease", "ials", "popularity")

__all__ = ["ALGORITHMS", "Algorithm", "FittedModel", "algorithm_for"]


def algorithm_for(name: str, config: RecommendConfig, n_items: int) -> Algorithm:
    """The algorithm called ``name`` with its configured settings; EASE turns into iALS on
    catalogs too big to invert an items × items matrix in reasonable time."""
    if name == "popularity":
        return Popularity()
    if name == "ease" and n_items <= config.ease_max_items:
        return Ease(l2=config.ease_l2, emphasis=config.ease_emphasis)
    if name == "ease":
        log.info("recommend: %d items > ease_max_items %d, using iALS", n_items,
                 config.ease_max_items)  # fmt: skip
    return Ials(
        factors=config.ials_factors,
        regularization=config.ials_regularization,
        alpha=config.ials_alpha,
        iterations=config.ials_iterations,
    )
