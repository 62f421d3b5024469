"""``[plugins.recommend]``: the algorithm and its settings, list sizes, retraining, imports."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

AlgorithmName = Literal["ease", "ials", "popularity"]


class RecommendConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    algorithm: AlgorithmName = "ease"
    """The default algorithm; an A/B experiment on ``recommend.algorithm`` overrides it per
    user. "ease" won the offline benchmark (bench/README.md), "ials" is matrix factorisation,
    "popularity" the baseline."""
    ease_l2: float = Field(default=4.0, gt=0)
    """EASE's λ as a multiple of the mean item weight (higher: smoother, closer to popularity)."""
    ease_emphasis: float = Field(default=0.8, ge=0, lt=1)
    """Extra λ for each item in proportion to its own weight (EDLAE's dropout emphasis)."""
    ease_max_items: int = Field(default=6000, ge=10)
    """EASE inverts an items × items matrix (cubic time): above this many items iALS is used."""
    ials_factors: int = Field(default=64, ge=2, le=1024)
    ials_regularization: float = Field(default=0.05, ge=0)
    ials_alpha: float = Field(default=2.0, gt=0)
    ials_iterations: int = Field(default=15, ge=1, le=200)
    recency_half_life: float = Field(default=20.0, ge=0)
    """A user's interactions count half as much every this many interactions back (0: all
    count the same): the latest ones say most about what they want next."""
    trend_weight: float = Field(default=0.25, ge=0)
    """What the item most popular around the user's latest interaction is worth against the
    model's best pick (0: recent popularity plays no part)."""
    trend_window: float = Field(default=0.02, gt=0, le=1)
    """How far back "recent" reaches, as a share of the whole interaction timeline."""
    tune_blend: bool = True
    """At each training, choose the three settings above on each user's newest interaction
    held out (plugins/recommend/tuning.py); the configured values are the fallback when
    there is too little data to choose, and are kept when nothing measures better."""
    diversity: float = Field(default=0.3, ge=0, le=1)
    """Re-ranking weight of "unlike the items already in the list" against relevance
    (0: pure relevance)."""
    default_count: int = Field(default=5, ge=1, le=20)
    max_count: int = Field(default=10, ge=1, le=20)
    retrain_cron: str = "30 3 * * *"
    """When the model is retrained from all interactions (crontab, scheduler time zone)."""
    demo_catalog: bool = True
    """Load the shipped demo catalog (about 150 well-known films and books) into an empty
    catalog at start."""
    content_embeddings: bool = True
    """Embed titles and descriptions (USE multilingual, packaged) so new items reach users
    by content similarity; off: genre overlap stands in for it."""
    max_import_mb: float = Field(default=20.0, gt=0)
    max_import_rows: int = Field(default=500_000, ge=1)

    @field_validator("retrain_cron")
    @classmethod
    def _cron_is_valid(cls, cron: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        CronTrigger.from_crontab(cron)  # raises ValueError with what is wrong
        return cron
