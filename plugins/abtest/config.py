"""``[plugins.abtest]`` options, validated at start-up like every plugin's config."""

from __future__ import annotations

from apscheduler.triggers.cron import CronTrigger
from pydantic import BaseModel, ConfigDict, Field, field_validator

from plugins.abtest.analysis import AnalysisOptions


class AbtestConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    alpha: float = Field(default=0.05, gt=0, lt=0.5)
    """Significance level of the primary metric (split between treatments when there are
    several); intervals are at 1 - alpha."""
    power: float = Field(default=0.8, gt=0.5, lt=1)
    """Power the planned sample size aims for at the experiment's MDE."""
    default_mde: float = Field(default=0.05, gt=0, le=10)
    """Minimum detectable effect (relative) for /ab create without mde=, and for CSV reports."""
    srm_alpha: float = Field(default=0.001, gt=0, lt=0.5)
    """A sample ratio check below this p-value makes the experiment invalid."""
    bootstrap_resamples: int = Field(default=2000, ge=200, le=100_000)
    """Bootstrap replicates per interval."""
    pre_period_days: int = Field(default=14, ge=0, le=365)
    """Days before each user's exposure that form the CUPED covariate (0: no CUPED)."""
    daily_report_cron: str = "0 9 * * *"
    """When running experiments are reported to administrators (crontab, [app] timezone);
    "" turns the daily report off."""
    max_csv_mb: float = Field(default=50.0, gt=0)
    """Larger CSV files are refused."""
    refresh_s: float = Field(default=30.0, ge=0)
    """How often a worker re-reads which experiments run (others may start or stop them)."""
    min_baseline_users: int = Field(default=100, ge=2)
    """Control users needed before an experiment's planned sample size is fixed from its data
    (when /ab create had no n=)."""

    @field_validator("daily_report_cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        if value.strip():
            try:
                CronTrigger.from_crontab(value)
            except ValueError as exc:
                raise ValueError(f"not a crontab expression: {exc}") from None
        return value.strip()

    def analysis_options(
        self,
        *,
        mde: float | None = None,
        higher_is_better: bool = True,
        planned_n: int | None = None,
    ) -> AnalysisOptions:
        return AnalysisOptions(
            alpha=self.alpha,
            target_power=self.power,
            mde=self.default_mde if mde is None else mde,
            srm_alpha=self.srm_alpha,
            resamples=self.bootstrap_resamples,
            higher_is_better=higher_is_better,
            planned_n=planned_n,
        )
