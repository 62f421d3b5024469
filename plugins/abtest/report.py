"""A report: the primary metric and the guardrails analysed, and the decision they lead to.

Two ways in: ``experiment_report`` reads an experiment's declared metrics from the SQL
store; ``samples_report`` takes samples from anywhere (an analyst's CSV, the benchmark).
The statistics are CPU work and run in a thread, so the bot keeps answering meanwhile.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.storage import Database
from plugins.abtest.analysis import Analysis, AnalysisOptions, analyse
from plugins.abtest.config import AbtestConfig
from plugins.abtest.measure import measure
from plugins.abtest.metrics import METRICS
from plugins.abtest.records import Experiment
from plugins.abtest.samples import Samples
from plugins.abtest.store import ExperimentStore
from plugins.abtest.verdict import Decision, decide

CSV_METRIC = "value"


@dataclass(frozen=True, slots=True)
class Report:
    title: str  # the experiment's name, or the CSV file's
    metric: str  # the primary metric's name; CSV_METRIC for a CSV
    analysis: Analysis
    decision: Decision
    final: bool  # stopped, or finished elsewhere (a CSV)
    samples: Samples = field(repr=False)
    guardrails: Mapping[str, Analysis] = field(default_factory=dict)
    seconds: float = 0.0  # the statistics alone, every metric


def samples_report(
    samples: Samples, options: AnalysisOptions, *, title: str, final: bool = True
) -> Report:
    started = time.perf_counter()
    analysis = analyse(samples, options)
    return Report(
        title=title,
        metric=CSV_METRIC,
        analysis=analysis,
        decision=decide(analysis, final=final),
        final=final,
        samples=samples,
        seconds=time.perf_counter() - started,
    )


async def experiment_report(
    db: Database,
    store: ExperimentStore,
    experiment: Experiment,
    config: AbtestConfig,
    *,
    now: datetime,
) -> tuple[Report, Experiment]:
    """The report, and the experiment (with its planned sample size, once that is fixed)."""
    end = experiment.stopped_at or now
    design = experiment.design
    names = (design.primary_metric, *design.guardrails)
    measured = {
        name: await measure(
            db, experiment, METRICS[name], end=end, pre_days=config.pre_period_days
        )
        for name in names
    }

    def compute() -> tuple[dict[str, Analysis], float]:
        started = time.perf_counter()
        analyses = {
            name: analyse(
                samples,
                config.analysis_options(
                    mde=design.mde,
                    higher_is_better=METRICS[name].higher_is_better,
                    planned_n=design.planned_n if name == design.primary_metric else None,
                ),
            )
            for name, samples in measured.items()
        }
        return analyses, time.perf_counter() - started

    analyses, seconds = await asyncio.to_thread(compute)
    primary = analyses.pop(design.primary_metric)
    control_users = primary.variants[0].n
    if (
        design.planned_n is None
        and primary.planned_n
        and control_users >= config.min_baseline_users
    ):
        # Fixed once, from the first report with a usable baseline: a goal recomputed from
        # every day's data would move with the noise, and "wait until n" would mean nothing.
        experiment = await store.set_planned_n(experiment, primary.planned_n)
    report = Report(
        title=design.name,
        metric=design.primary_metric,
        analysis=primary,
        decision=decide(primary, analyses, final=not experiment.running),
        final=not experiment.running,
        samples=measured[design.primary_metric],
        guardrails=analyses,
        seconds=seconds,
    )
    return report, experiment
