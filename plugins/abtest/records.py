"""What the experiment store hands out: frozen snapshots, never ORM rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from plugins.abtest.assignment import Variant


class Status(StrEnum):
    RUNNING = "running"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class Design:
    """What an administrator asks for with ``/ab create``."""

    name: str
    parameter: str
    variants: tuple[Variant, ...]  # the first is the control
    primary_metric: str
    guardrails: tuple[str, ...]
    mde: float  # relative
    planned_n: int | None = None


@dataclass(frozen=True, slots=True)
class Experiment:
    id: int
    design: Design
    salt: str
    status: Status
    created_by: int
    created_at: datetime
    stopped_at: datetime | None

    @property
    def name(self) -> str:
        return self.design.name

    @property
    def parameter(self) -> str:
        return self.design.parameter

    @property
    def plugin(self) -> str:
        return self.design.parameter.split(".", 1)[0]

    @property
    def running(self) -> bool:
        return self.status is Status.RUNNING
