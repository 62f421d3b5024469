"""CUPED: less variance from the same users, using what they did before the experiment.

``y' = y - theta * (x - mean(x))`` with ``theta = cov(x, y) / var(x)`` over all variants
together (Deng et al., 2013). Assignment is random, so the pre-period value ``x`` is
independent of the variant: the difference of the adjusted means estimates the same effect,
with the variance shrunk by the share the pre-period explains (corr(x, y)^2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from plugins.abtest.samples import Group, Samples

# Below this share of variance explained the adjustment is noise; the report stays raw.
MIN_VARIANCE_REDUCTION = 0.01


@dataclass(frozen=True, slots=True)
class CupedResult:
    samples: Samples  # the adjusted values (``pre`` dropped: it has been used)
    theta: float
    variance_reduction: float  # 1 - var(adjusted) / var(raw), over all users


def adjust(samples: Samples) -> CupedResult | None:
    """The adjusted samples, or None without a usable pre-period metric."""
    if not samples.has_pre:
        return None
    y = np.concatenate([g.values for g in samples.groups])
    x = np.concatenate([g.pre for g in samples.groups if g.pre is not None])
    if y.size < 3 or not np.isfinite(x).all():
        return None
    var_x = float(np.var(x))
    var_y = float(np.var(y))
    if var_x == 0 or var_y == 0:
        return None
    theta = float(np.cov(x, y, ddof=0)[0, 1] / var_x)
    mean_x = float(x.mean())
    adjusted = y - theta * (x - mean_x)
    reduction = 1.0 - float(np.var(adjusted)) / var_y
    if reduction < MIN_VARIANCE_REDUCTION:
        return None
    groups = []
    start = 0
    for group in samples.groups:
        end = start + group.n
        groups.append(Group(group.name, adjusted[start:end]))
        start = end
    return CupedResult(Samples(tuple(groups), samples.assigned, samples.weights), theta, reduction)
