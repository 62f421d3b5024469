"""Experiments, exposures and the declared metrics on both SQL backends (SQLite, PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.events import utcnow
from bot.storage import Database, FeedbackRow, MessageRow
from plugins.abtest.assignment import Variant, assign
from plugins.abtest.measure import measure
from plugins.abtest.metrics import METRICS
from plugins.abtest.records import Design, Experiment, Status
from plugins.abtest.service import VariantService
from plugins.abtest.store import ExperimentStore, NameTaken, ParameterBusy
from plugins.abtest.tables import ExposureRow

DESIGN = Design(
    name="voice_test",
    parameter="voice.reply_mode",
    variants=(Variant("text", 1), Variant("voice", 1)),
    primary_metric="messages",
    guardrails=("latency_ms",),
    mde=0.05,
)


async def test_experiments_are_created_listed_and_stopped(database: Database) -> None:
    store = ExperimentStore(database)
    created = await store.create(DESIGN, created_by=1000)
    assert created.running and created.design == DESIGN and len(created.salt) == 16
    with pytest.raises(NameTaken):
        await store.create(DESIGN, created_by=1000)
    with pytest.raises(ParameterBusy) as busy:
        await store.create(replace(DESIGN, name="again"), created_by=1000)
    assert busy.value.other == "voice_test"
    other = await store.create(replace(DESIGN, name="qa_k", parameter="qa.top_k"), created_by=1000)
    assert [e.name for e in await store.running()] == ["voice_test", "qa_k"]

    stopped = await store.stop("voice_test")
    assert stopped is not None and stopped.status is Status.STOPPED and stopped.stopped_at
    assert await store.stop("voice_test") is None
    assert [e.name for e in await store.running()] == ["qa_k"]
    # A stopped experiment frees its parameter; its name stays taken.
    await store.create(replace(DESIGN, name="voice_2"), created_by=1000)

    assert (await store.set_planned_n(other, 500)).design.planned_n == 500
    await store.set_planned_n(other, 900)  # fixed once: the second value is ignored
    again = await store.by_name("qa_k")
    assert again is not None and again.design.planned_n == 500


async def test_exposures_are_recorded_once_and_forgotten(database: Database) -> None:
    store = ExperimentStore(database)
    experiment = await store.create(DESIGN, created_by=1000)
    assert await store.expose(experiment.id, 7, "voice") is True
    assert await store.expose(experiment.id, 7, "voice") is False
    await store.expose(experiment.id, 8, "text")
    assert await store.exposure_counts(experiment.id) == {"voice": 1, "text": 1}
    await store.forget_user(7)
    assert await store.exposure_counts(experiment.id) == {"text": 1}


async def test_the_service_assigns_exposes_and_follows_start_and_stop(database: Database) -> None:
    store = ExperimentStore(database)
    active = [True]
    service = VariantService(store, refresh_s=3600, active=lambda: active[0])
    assert await service.variant("voice.reply_mode", 7, "text") == "text"  # nothing runs

    experiment = await store.create(DESIGN, created_by=1000)
    # Another worker created it: seen at the next refresh, not before.
    assert await service.variant("voice.reply_mode", 7, "text") == "text"
    await service.refresh()
    users = range(1, 201)
    got = [await service.variant("voice.reply_mode", u, "text") for u in users]
    assert got == [assign(experiment.salt, u, DESIGN.variants) for u in users]
    assert 70 < got.count("voice") < 130
    for u in users:  # reading again changes nothing and writes nothing new
        assert await service.variant("voice.reply_mode", u, "text") == got[u - 1]
    counts = await store.exposure_counts(experiment.id)
    assert counts == {"voice": got.count("voice"), "text": got.count("text")}
    assert await service.variant("other.parameter", 7, "x") == "x"

    active[0] = False  # the plugin is disabled: defaults, and nobody new is counted
    assert await service.variant("voice.reply_mode", 500, "text") == "text"
    active[0] = True
    await store.stop(DESIGN.name)
    await service.refresh()
    assert await service.variant("voice.reply_mode", 7, "fallback") == "fallback"
    assert sum((await store.exposure_counts(experiment.id)).values()) == 200


async def test_assignment_is_stable_and_independent_between_experiments() -> None:
    variants = (Variant("a", 1), Variant("b", 3))
    first = [assign("salt-one", u, variants) for u in range(20_000)]
    assert first == [assign("salt-one", u, variants) for u in range(20_000)]
    assert first.count("b") / 20_000 == pytest.approx(0.75, abs=0.015)
    second = [assign("salt-two", u, variants) for u in range(20_000)]
    both_b = sum(x == y == "b" for x, y in zip(first, second, strict=True)) / 20_000
    assert both_b == pytest.approx(0.75 * 0.75, abs=0.015)


# -- the declared metrics -------------------------------------------------------------------


class Log:
    """Writes messages and ratings relative to each user's exposure."""

    def __init__(self, database: Database, experiment: Experiment, exposed_at: datetime) -> None:
        self.database = database
        self.experiment = experiment
        self.exposed_at = exposed_at
        self.rows: list[Any] = []
        self._n = 0

    def expose(self, user: int, variant: str) -> None:
        self.rows.append(
            ExposureRow(
                experiment_id=self.experiment.id, user_id=user, variant=variant,
                exposed_at=self.exposed_at,
            )
        )  # fmt: skip

    def message(self, user: int, after: timedelta, **columns: Any) -> None:
        self._n += 1
        self.rows.append(
            MessageRow(
                event_id=f"e{self._n}", trace_id=f"t{self._n}", channel="terminal", chat_id=user,
                user_id=user, kind="text", text="hi", created_at=self.exposed_at + after,
                **columns,
            )
        )  # fmt: skip

    def rating(self, user: int, after: timedelta, value: float) -> None:
        self.rows.append(
            FeedbackRow(
                chat_id=user, user_id=user, kind="qa.answer", value=value,
                created_at=self.exposed_at + after,
            )
        )  # fmt: skip

    async def save(self) -> None:
        async with self.database.session() as session:
            session.add_all(self.rows)


HOUR, DAY = timedelta(hours=1), timedelta(days=1)


async def _values(database: Database, experiment: Experiment, metric: str, end: datetime,
                  pre_days: int = 14) -> dict[str, list[tuple[float, float | None]]]:  # fmt: skip
    samples = await measure(database, experiment, METRICS[metric], end=end, pre_days=pre_days)
    result = {}
    for group in samples.groups:
        pre = group.pre.tolist() if group.pre is not None else [None] * group.n
        result[group.name] = sorted(zip(group.values.tolist(), pre, strict=True))
    return result


async def test_every_metric_from_the_interaction_log(database: Database) -> None:
    store = ExperimentStore(database)
    experiment = await store.create(replace(DESIGN, parameter="voice.reply_mode"), created_by=1000)
    now = utcnow()
    log = Log(database, experiment, exposed_at=now - 10 * DAY)
    # User 1 (text): 2 messages after (one to the voice plugin, one that failed on day 1), 1 the
    # day before exposure, 1 thirty days before (outside the 14-day pre-period); rates 1, -1.
    log.expose(1, "text")
    log.message(1, HOUR, plugin="voice", latency_ms={"nlu": 10.0, "handler": 30.0})
    log.message(1, DAY + HOUR, plugin="qa", outcome="error", latency_ms={"handler": 20.0})
    log.message(1, -DAY, latency_ms={"handler": 100.0})
    log.message(1, -30 * DAY)
    log.rating(1, 2 * HOUR, 1.0)
    log.rating(1, 3 * HOUR, -1.0)
    # User 2 (text): nothing after exposure; one rating before it.
    log.expose(2, "text")
    log.rating(2, -2 * DAY, 1.0)
    # User 3 (voice): back on day 7 only, liked once; a message after the end is ignored.
    log.expose(3, "voice")
    log.message(3, 7 * DAY + HOUR, plugin="voice", latency_ms={"nlu": 5.0, "handler": 5.0})
    log.message(3, 11 * DAY)
    log.rating(3, HOUR, 1.0)
    # User 4 (voice): exposed only 3 days before the end, so not yet eligible for day 7.
    log.rows.append(
        ExposureRow(
            experiment_id=experiment.id, user_id=4, variant="voice", exposed_at=now - 3 * DAY
        )
    )
    # Someone else, never exposed, is never counted.
    log.message(99, HOUR, plugin="voice")
    await log.save()

    end = now
    assert await _values(database, experiment, "messages", end) == {
        "text": [(0.0, 0.0), (2.0, 1.0)], "voice": [(0.0, 0.0), (1.0, 0.0)],
    }  # fmt: skip
    assert await _values(database, experiment, "used", end) == {
        "text": [(0.0, 0.0), (1.0, 0.0)], "voice": [(0.0, 0.0), (1.0, 0.0)],
    }  # fmt: skip
    assert await _values(database, experiment, "errors", end) == {
        "text": [(0.0, 0.0), (1.0, 0.0)], "voice": [(0.0, 0.0), (0.0, 0.0)],
    }  # fmt: skip
    assert await _values(database, experiment, "rated", end) == {
        "text": [(0.0, 1.0), (1.0, 0.0)], "voice": [(0.0, 0.0), (1.0, 0.0)],
    }  # fmt: skip
    assert await _values(database, experiment, "liked", end) == {
        "text": [(0.0, 1.0), (1.0, 0.0)], "voice": [(0.0, 0.0), (1.0, 0.0)],
    }  # fmt: skip
    # A mean has no value for users without rows; a missing pre-period value is the mean of
    # the known ones (here user 2's 1.0).
    assert await _values(database, experiment, "rating", end) == {
        "text": [(0.0, 1.0)], "voice": [(1.0, 1.0)],
    }  # fmt: skip
    assert await _values(database, experiment, "latency_ms", end) == {
        "text": [(30.0, 100.0)], "voice": [(10.0, 100.0)],
    }  # fmt: skip
    assert await _values(database, experiment, "retention_d1", end) == {
        "text": [(0.0, None), (1.0, None)], "voice": [(0.0, None), (0.0, None)],
    }  # fmt: skip
    assert await _values(database, experiment, "retention_d7", end) == {
        "text": [(0.0, None), (0.0, None)], "voice": [(1.0, None)],
    }  # fmt: skip
    # A stopped experiment is measured until it stopped; without a pre-period, no CUPED.
    assert await _values(database, experiment, "messages", now - 9 * DAY, pre_days=0) == {
        "text": [(0.0, None), (1.0, None)], "voice": [(0.0, None), (0.0, None)],
    }  # fmt: skip

    samples = await measure(database, experiment, METRICS["rating"], end=end, pre_days=14)
    assert samples.assigned == (2, 2)  # the split check counts every exposure
    async with database.session() as session:
        assert len((await session.scalars(select(ExposureRow))).all()) == 4
