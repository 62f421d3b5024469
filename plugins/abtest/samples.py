"""The data a report is computed from: one array of per-user values per variant.

Both ways in produce it: the SQL store (a declared metric over exposed users,
``plugins/abtest/metrics.py``) and an analyst's CSV (``plugins/abtest/csv_input.py``). The
statistics never know which one it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Group:
    """One variant's observations: a value per user and, when known, the same user's value
    before the experiment (for CUPED)."""

    name: str
    values: Floats
    pre: Floats | None = None

    @property
    def n(self) -> int:
        return int(self.values.size)


@dataclass(frozen=True, slots=True)
class Samples:
    """Every variant, control first.

    ``assigned`` counts the users each variant received (exposures), and ``weights`` the
    split the design asked for; the sample ratio check compares the two. They may differ from
    the value counts: a per-user mean rating has no value for users who never rated.
    """

    groups: tuple[Group, ...]
    assigned: tuple[int, ...]
    weights: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.groups) < 2:
            raise ValueError("an experiment needs at least two variants")
        if not len(self.groups) == len(self.assigned) == len(self.weights):
            raise ValueError("groups, assigned and weights must have one entry per variant")

    @classmethod
    def of(cls, groups: Sequence[Group], weights: Sequence[float] | None = None) -> Samples:
        """Samples whose assigned counts are the value counts (a CSV: one row per user)."""
        shares = tuple(weights) if weights is not None else (1.0,) * len(groups)
        return cls(tuple(groups), tuple(g.n for g in groups), shares)

    @property
    def control(self) -> Group:
        return self.groups[0]

    @property
    def treatments(self) -> tuple[Group, ...]:
        return self.groups[1:]

    @property
    def has_pre(self) -> bool:
        return all(g.pre is not None for g in self.groups)

    @property
    def is_conversion(self) -> bool:
        """Every value is 0 or 1: a share of users who did something."""
        return all(bool(np.isin(g.values, (0.0, 1.0)).all()) for g in self.groups)
