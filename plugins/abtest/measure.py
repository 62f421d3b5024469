"""A declared metric of an experiment, read from the SQL store into ``Samples``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import func, select

from bot.storage import Database
from plugins.abtest.metrics import Metric, Scope, metric_query
from plugins.abtest.records import Experiment
from plugins.abtest.samples import Floats, Group, Samples
from plugins.abtest.tables import ExposureRow


async def measure(
    db: Database, experiment: Experiment, metric: Metric, *, end: datetime, pre_days: int
) -> Samples:
    """Per-user values of ``metric`` for everyone exposed to ``experiment`` until ``end``."""
    scope = Scope(experiment.id, experiment.plugin, end, pre_days)
    async with db.session() as session:
        rows = (await session.execute(metric_query(metric, scope))).all()
        counted = await session.execute(
            select(ExposureRow.variant, func.count())
            .where(ExposureRow.experiment_id == experiment.id)
            .group_by(ExposureRow.variant)
        )
        exposures = {str(variant): int(n) for variant, n in counted.all()}
    names = [v.name for v in experiment.design.variants]
    return samples_from_rows(
        rows,
        names,
        assigned=[exposures.get(name, 0) for name in names],
        weights=[v.weight for v in experiment.design.variants],
        with_pre=metric.has_pre_period and pre_days > 0,
    )


def samples_from_rows(
    rows: Sequence[Sequence[Any]],
    names: Sequence[str],
    *,
    assigned: Sequence[int],
    weights: Sequence[float],
    with_pre: bool,
) -> Samples:
    """Rows of (variant, value, pre) into groups in ``names`` order.

    Users without a value (a mean over no rows) are left out. A missing pre-period value
    becomes the mean of the known ones: any function of the pre-period is a valid CUPED
    covariate, since it cannot depend on the variant.
    """
    index = {name: i for i, name in enumerate(names)}
    count = len(rows)
    which = np.fromiter((index.get(str(r[0]), -1) for r in rows), dtype=np.int64, count=count)
    values = np.fromiter((_number(r[1]) for r in rows), dtype=np.float64, count=count)
    pre: Floats | None = None
    if with_pre:
        pre = np.fromiter((_number(r[2]) for r in rows), dtype=np.float64, count=count)
        known = np.isfinite(pre)
        pre[~known] = float(pre[known].mean()) if known.any() else 0.0
    groups = []
    for i, name in enumerate(names):
        keep = (which == i) & np.isfinite(values)
        groups.append(Group(name, values[keep], pre[keep] if pre is not None else None))
    return Samples(tuple(groups), tuple(assigned), tuple(weights))


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)
