"""Reading and writing ``abtest_experiments`` and ``abtest_exposures``."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from bot.events import utcnow
from bot.storage import Database
from bot.storage.rowcount import affected_rows
from bot.storage.upsert import insert
from plugins.abtest.assignment import Variant, new_salt
from plugins.abtest.records import Design, Experiment, Status
from plugins.abtest.tables import ExperimentRow, ExposureRow


class NameTaken(Exception):
    """An experiment with this name exists (names are never reused: reports refer to them)."""


class ParameterBusy(Exception):
    """A running experiment already controls the parameter."""

    def __init__(self, other: str) -> None:
        super().__init__(other)
        self.other = other


def _snapshot(row: ExperimentRow) -> Experiment:
    design = Design(
        name=row.name,
        parameter=row.parameter,
        variants=tuple(Variant(str(v["name"]), float(v["weight"])) for v in row.variants),
        primary_metric=row.primary_metric,
        guardrails=tuple(row.guardrails),
        mde=row.mde,
        planned_n=row.planned_n,
    )
    return Experiment(
        id=row.id,
        design=design,
        salt=row.salt,
        status=Status(row.status),
        created_by=row.created_by,
        created_at=row.created_at,
        stopped_at=row.stopped_at,
    )


class ExperimentStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, design: Design, created_by: int) -> Experiment:
        async with self._db.session() as session:
            taken = select(ExperimentRow.id).where(ExperimentRow.name == design.name)
            if await session.scalar(taken) is not None:
                raise NameTaken(design.name)
            busy = await session.scalar(
                select(ExperimentRow.name).where(
                    ExperimentRow.parameter == design.parameter,
                    ExperimentRow.status == Status.RUNNING,
                )
            )
            if busy is not None:
                raise ParameterBusy(busy)
            row = ExperimentRow(
                name=design.name,
                parameter=design.parameter,
                variants=[{"name": v.name, "weight": v.weight} for v in design.variants],
                primary_metric=design.primary_metric,
                guardrails=list(design.guardrails),
                mde=design.mde,
                planned_n=design.planned_n,
                salt=new_salt(),
                status=Status.RUNNING,
                created_by=created_by,
                created_at=utcnow(),
            )
            session.add(row)
            try:
                await session.flush()
            except IntegrityError as exc:  # the same name, created at the same moment
                raise NameTaken(design.name) from exc
            return _snapshot(row)

    async def by_name(self, name: str) -> Experiment | None:
        async with self._db.session() as session:
            row = await session.scalar(select(ExperimentRow).where(ExperimentRow.name == name))
            return _snapshot(row) if row else None

    async def all(self) -> list[Experiment]:
        async with self._db.session() as session:
            rows = await session.scalars(select(ExperimentRow).order_by(ExperimentRow.id))
            return [_snapshot(row) for row in rows]

    async def running(self) -> list[Experiment]:
        return [e for e in await self.all() if e.running]

    async def stop(self, name: str, at: datetime | None = None) -> Experiment | None:
        """Stop a running experiment; None when there is no running one by that name."""
        async with self._db.session() as session:
            result = await session.execute(
                update(ExperimentRow)
                .where(ExperimentRow.name == name, ExperimentRow.status == Status.RUNNING)
                .values(status=Status.STOPPED, stopped_at=at or utcnow())
            )
            if not affected_rows(result):
                return None
        return await self.by_name(name)

    async def set_planned_n(self, experiment: Experiment, planned_n: int) -> Experiment:
        """Fix the sample size goal once (only while it is unknown)."""
        async with self._db.session() as session:
            await session.execute(
                update(ExperimentRow)
                .where(ExperimentRow.id == experiment.id, ExperimentRow.planned_n.is_(None))
                .values(planned_n=planned_n)
            )
        design = dataclasses.replace(experiment.design, planned_n=planned_n)
        return dataclasses.replace(experiment, design=design)

    async def expose(self, experiment_id: int, user_id: int, variant: str) -> bool:
        """Record that the user met the experiment; False when it was already recorded."""
        statement = (
            insert(self._db.dialect, ExposureRow)
            .values(
                experiment_id=experiment_id, user_id=user_id, variant=variant, exposed_at=utcnow()
            )
            .on_conflict_do_nothing(index_elements=["experiment_id", "user_id"])
        )
        async with self._db.session() as session:
            result = await session.execute(statement)
            return affected_rows(result) > 0

    async def exposure_counts(self, experiment_id: int) -> dict[str, int]:
        async with self._db.session() as session:
            rows = await session.execute(
                select(ExposureRow.variant, func.count())
                .where(ExposureRow.experiment_id == experiment_id)
                .group_by(ExposureRow.variant)
            )
            return {str(variant): int(count) for variant, count in rows.all()}

    async def forget_user(self, user_id: int) -> None:
        async with self._db.session() as session:
            await session.execute(delete(ExposureRow).where(ExposureRow.user_id == user_id))
