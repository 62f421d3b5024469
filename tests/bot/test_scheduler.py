"""Scheduler on a real SQLite job store: firing, cancelling, restarts, misfires, recurrence."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

from bot import scheduler as scheduler_module
from bot.scheduler import ScheduledJob, Scheduler
from bot.storage import Database

WAIT = 5.0  # upper bound for anything that should happen "soon"; never a synchronisation

MakeScheduler = Callable[..., Scheduler]


def soon(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


class Recorder:
    """A job handler that records its calls and lets a test await the n-th one."""

    def __init__(self) -> None:
        self.calls: list[tuple[datetime, dict[str, Any]]] = []
        self.loops: list[asyncio.AbstractEventLoop] = []
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []

    async def __call__(self, **kwargs: Any) -> None:
        self.calls.append((datetime.now(UTC), kwargs))
        self.loops.append(asyncio.get_running_loop())
        for count, future in self._waiters:
            if len(self.calls) >= count and not future.done():
                future.set_result(None)

    async def wait_for(self, count: int = 1) -> None:
        if len(self.calls) >= count:
            return
        future = asyncio.get_running_loop().create_future()
        self._waiters.append((count, future))
        await asyncio.wait_for(future, WAIT)


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'jobs.db'}"


@pytest.fixture
async def make_scheduler(store_url: str) -> AsyncIterator[MakeScheduler]:
    """Schedulers on the test's SQLite file, all stopped at the end whatever happened."""
    made: list[Scheduler] = []

    def make(**options: Any) -> Scheduler:
        scheduler = Scheduler(store_url, **options)
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        await scheduler.stop(drain_timeout=1)


async def test_a_job_fires_at_its_time_with_its_kwargs_on_the_app_loop(
    make_scheduler: MakeScheduler,
) -> None:
    scheduler = make_scheduler()
    fire = Recorder()
    scheduler.register("reminders.fire", fire)
    await scheduler.start()
    when = soon(0.3)
    await scheduler.add_at(when, "reminders.fire", chat_id=5, text="позвонить маме")

    await fire.wait_for(1)
    [(fired_at, kwargs)] = fire.calls
    assert kwargs == {"chat_id": 5, "text": "позвонить маме"}
    assert fired_at >= when
    assert fire.loops == [asyncio.get_running_loop()]
    assert await scheduler.jobs() == []  # a one-shot job is gone once run


async def test_cancel_removes_a_job_and_reports_whether_it_existed(
    make_scheduler: MakeScheduler,
) -> None:
    scheduler = make_scheduler()
    fire = Recorder()
    scheduler.register("t.fire", fire)
    await scheduler.start()
    await scheduler.add_at(soon(0.2), "t.fire", job_id="cancelled", which="cancelled")
    await scheduler.add_at(soon(0.4), "t.fire", job_id="kept", which="kept")

    assert await scheduler.cancel("cancelled") is True
    assert await scheduler.cancel("cancelled") is False
    assert await scheduler.cancel("never-existed") is False
    await fire.wait_for(1)  # "kept" was due after "cancelled" would have been
    assert [kwargs["which"] for _, kwargs in fire.calls] == ["kept"]


async def test_a_job_survives_a_restart(make_scheduler: MakeScheduler) -> None:
    first = make_scheduler()
    first_fire = Recorder()
    first.register("t.fire", first_fire)
    await first.start()
    when = soon(1.5)
    await first.add_at(when, "t.fire", job_id="persisted", n=1)
    await first.stop()

    second = make_scheduler()  # a new process, as far as the scheduler can tell
    fire = Recorder()
    second.register("t.fire", fire)
    await second.start()
    assert [job.id for job in await second.jobs()] == ["persisted"]
    await fire.wait_for(1)
    [(fired_at, kwargs)] = fire.calls
    assert kwargs == {"n": 1}
    assert fired_at >= when
    assert first_fire.calls == []


async def test_a_job_missed_while_down_runs_on_start_within_the_grace_time(
    make_scheduler: MakeScheduler,
) -> None:
    first = make_scheduler()
    first.register("t.fire", Recorder())
    await first.start()
    when = soon(0.2)
    await first.add_at(when, "t.fire", n=1)
    await first.stop()
    await asyncio.sleep(0.5)  # the bot is down while the job falls due

    second = make_scheduler(misfire_grace_s=60)
    fire = Recorder()
    second.register("t.fire", fire)
    started = datetime.now(UTC)
    await second.start()
    await fire.wait_for(1)
    [(fired_at, kwargs)] = fire.calls
    assert kwargs == {"n": 1}
    assert fired_at - started < timedelta(seconds=1)


async def test_a_job_missed_by_more_than_the_grace_time_is_skipped(
    make_scheduler: MakeScheduler,
) -> None:
    first = make_scheduler()
    first.register("t.late", Recorder())
    await first.start()
    await first.add_at(soon(0.1), "t.late", job_id="late")  # added under the 6 h default
    await first.stop()
    await asyncio.sleep(1.5)  # down for longer than the 1 s grace below

    second = make_scheduler(misfire_grace_s=1)
    late, marker = Recorder(), Recorder()
    second.register("t.late", late)
    second.register("t.marker", marker)
    await second.start()
    # Added after start, so it runs in a later pass than the overdue job would have.
    await second.add_at(datetime.now(UTC), "t.marker")
    await marker.wait_for(1)
    assert late.calls == []
    assert await second.jobs() == []


async def test_a_recurring_job_repeats_until_cancelled(make_scheduler: MakeScheduler) -> None:
    scheduler = make_scheduler()
    tick = Recorder()
    scheduler.register("t.tick", tick)
    await scheduler.start()
    await scheduler.add_cron("t.tick", job_id="tick", interval_s=0.2, what="tick")
    await scheduler.add_cron("t.tick", job_id="tick", interval_s=0.2, what="tock")  # replaces

    await tick.wait_for(3)
    assert {kwargs["what"] for _, kwargs in tick.calls} == {"tock"}
    [job] = await scheduler.jobs()
    assert (job.id, job.job) == ("tick", "t.tick")
    assert job.next_run is not None and job.next_run > datetime.now(UTC) - timedelta(seconds=1)

    assert await scheduler.cancel("tick") is True
    count = len(tick.calls)
    await asyncio.sleep(0.5)  # would be two more ticks if it were still scheduled
    assert len(tick.calls) == count


async def test_a_recurring_job_that_missed_several_runs_runs_once_on_start(
    make_scheduler: MakeScheduler,
) -> None:
    first = make_scheduler()
    first.register("t.tick", Recorder())
    await first.start()
    await first.add_cron("t.tick", job_id="tick", interval_s=1)
    await first.stop()
    await asyncio.sleep(2.5)  # down through two runs; the next is about 0.5 s after restart

    second = make_scheduler()
    tick = Recorder()
    second.register("t.tick", tick)
    await second.start()
    await tick.wait_for(1)
    # Uncoalesced, both missed runs would have been made back to back in the same task.
    assert len(tick.calls) == 1
    [job] = await second.jobs()
    assert job.next_run is not None and job.next_run > datetime.now(UTC)


async def test_a_cron_job_is_listed_with_its_next_run(make_scheduler: MakeScheduler) -> None:
    scheduler = make_scheduler(timezone="Europe/Moscow")
    scheduler.register("t.digest", Recorder())
    await scheduler.start()
    await scheduler.add_cron("t.digest", job_id="digest", cron="30 9 * * mon-fri")
    [job] = await scheduler.jobs()
    assert job.next_run is not None
    assert (job.next_run.hour, job.next_run.minute) == (9, 30)
    assert job.next_run.utcoffset() == timedelta(hours=3)
    assert job.next_run.weekday() < 5
    with pytest.raises(ValueError, match="exactly one"):
        await scheduler.add_cron("t.digest", job_id="x")
    with pytest.raises(ValueError, match="exactly one"):
        await scheduler.add_cron("t.digest", job_id="x", cron="* * * * *", interval_s=1)


async def test_a_raising_job_is_logged_and_later_jobs_still_run(
    make_scheduler: MakeScheduler, caplog: pytest.LogCaptureFixture
) -> None:
    scheduler = make_scheduler()
    boom_calls = 0
    boomed_twice = asyncio.Event()

    async def boom() -> None:
        nonlocal boom_calls
        boom_calls += 1
        if boom_calls == 2:
            boomed_twice.set()
        raise RuntimeError("job bug")

    later = Recorder()
    scheduler.register("t.boom", boom)
    scheduler.register("t.later", later)
    await scheduler.start()
    with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
        await scheduler.add_cron("t.boom", job_id="boom", interval_s=0.2)
        await scheduler.add_at(soon(0.5), "t.later")
        await asyncio.wait_for(boomed_twice.wait(), WAIT)  # recurring despite failing
        await later.wait_for(1)
    failures = [r for r in caplog.records if "job boom (t.boom) failed" in r.getMessage()]
    assert len(failures) >= 2
    assert failures[0].exc_info is not None
    assert isinstance(failures[0].exc_info[1], RuntimeError)


async def test_a_store_failure_mid_pass_does_not_stall_the_scheduler(
    make_scheduler: MakeScheduler, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scheduler_module, "STORE_RETRY_S", 0.2)
    real_remove = SQLAlchemyJobStore.remove_job
    failures = [sa.exc.OperationalError("DELETE", {}, Exception("database went away"))]

    def flaky_remove(store: SQLAlchemyJobStore, job_id: str) -> None:
        if failures:
            raise failures.pop()
        real_remove(store, job_id)

    monkeypatch.setattr(SQLAlchemyJobStore, "remove_job", flaky_remove)
    scheduler = make_scheduler()
    first, later = Recorder(), Recorder()
    scheduler.register("t.first", first)
    scheduler.register("t.later", later)
    await scheduler.start()
    await scheduler.add_at(soon(0.1), "t.first")  # its removal after running fails once
    await scheduler.add_at(soon(0.6), "t.later")

    await later.wait_for(1)
    assert failures == []
    assert len(first.calls) >= 1  # at least once: the failed removal may make it run twice
    assert await scheduler.jobs() == []


async def test_jobs_lists_every_scheduled_job_soonest_first(
    make_scheduler: MakeScheduler,
) -> None:
    scheduler = make_scheduler()
    scheduler.register("t.a", Recorder())
    scheduler.register("t.b", Recorder())
    await scheduler.start()
    later, sooner = soon(3600), soon(1800)
    await scheduler.add_at(later, "t.a", job_id="later", chat_id=1)
    auto_id = await scheduler.add_at(sooner, "t.b", chat_id=2, text="x")
    await scheduler.add_cron("t.a", job_id="soonest", interval_s=600)

    jobs = await scheduler.jobs()
    assert [job.id for job in jobs] == ["soonest", auto_id, "later"]
    by_id = {job.id: job for job in jobs}
    assert by_id["later"] == ScheduledJob(
        id="later", job="t.a", next_run=later, kwargs={"chat_id": 1}
    )
    assert by_id[auto_id] == ScheduledJob(
        id=auto_id, job="t.b", next_run=sooner, kwargs={"chat_id": 2, "text": "x"}
    )
    assert (by_id["soonest"].job, by_id["soonest"].kwargs) == ("t.a", {})


async def test_many_concurrent_adds_all_land_and_fire(make_scheduler: MakeScheduler) -> None:
    scheduler = make_scheduler()
    fire = Recorder()
    scheduler.register("t.fire", fire)
    await scheduler.start()
    when = soon(0.5)
    await asyncio.gather(*(scheduler.add_at(when, "t.fire", n=n) for n in range(20)))
    assert len(await scheduler.jobs()) == 20
    await fire.wait_for(20)
    assert sorted(kwargs["n"] for _, kwargs in fire.calls) == list(range(20))


async def test_a_job_without_a_registered_handler_is_logged_and_dropped(
    make_scheduler: MakeScheduler, caplog: pytest.LogCaptureFixture
) -> None:
    first = make_scheduler()
    first.register("plugin.renamed", Recorder())
    await first.start()
    await first.add_at(soon(0.1), "plugin.renamed", job_id="orphan", chat_id=9)
    await first.stop()

    second = make_scheduler()
    marker = Recorder()
    second.register("t.marker", marker)
    with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
        await second.start()
        await second.add_at(soon(0.3), "t.marker")
        await marker.wait_for(1)
    [record] = [r for r in caplog.records if "no handler registered" in r.getMessage()]
    assert "orphan" in record.getMessage() and "'chat_id': 9" in record.getMessage()
    assert await second.jobs() == []


async def test_stop_waits_for_a_running_job(make_scheduler: MakeScheduler) -> None:
    scheduler = make_scheduler()
    gate, started = asyncio.Event(), asyncio.Event()
    finished: list[str] = []

    async def slow() -> None:
        started.set()
        await gate.wait()
        finished.append("done")

    scheduler.register("t.slow", slow)
    await scheduler.start()
    await scheduler.add_at(datetime.now(UTC), "t.slow")
    await asyncio.wait_for(started.wait(), WAIT)

    stopping = asyncio.create_task(scheduler.stop(drain_timeout=WAIT))
    done, _ = await asyncio.wait({stopping}, timeout=0.1)
    assert not done, "stop must wait for the running job"
    gate.set()
    await asyncio.wait_for(stopping, WAIT)
    assert finished == ["done"]


async def test_stop_cancels_a_job_that_outlives_the_drain_timeout(
    make_scheduler: MakeScheduler,
) -> None:
    scheduler = make_scheduler()
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def stuck() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    scheduler.register("t.stuck", stuck)
    await scheduler.start()
    await scheduler.add_at(datetime.now(UTC), "t.stuck")
    await asyncio.wait_for(started.wait(), WAIT)
    await asyncio.wait_for(scheduler.stop(drain_timeout=0.1), WAIT)
    await asyncio.wait_for(cancelled.wait(), WAIT)


async def test_adding_jobs_is_checked_up_front(make_scheduler: MakeScheduler) -> None:
    scheduler = make_scheduler()
    scheduler.register("t.fire", Recorder())
    with pytest.raises(RuntimeError, match="start"):
        await scheduler.add_at(soon(60), "t.fire")
    await scheduler.start()
    with pytest.raises(ValueError, match="timezone-aware"):
        await scheduler.add_at(datetime.now() + timedelta(seconds=60), "t.fire")
    with pytest.raises(ValueError, match=r"no handler registered as 't\.typo'"):
        await scheduler.add_at(soon(60), "t.typo")
    with pytest.raises(ValueError, match="plain JSON"):
        await scheduler.add_at(soon(60), "t.fire", event=object())
    await scheduler.add_at(soon(60), "t.fire", job_id="dup")
    with pytest.raises(ValueError, match="already scheduled"):
        await scheduler.add_at(soon(60), "t.fire", job_id="dup")


async def test_a_job_table_made_by_migrations_is_used_as_is(
    store_url: str, make_scheduler: MakeScheduler
) -> None:
    engine = sa.create_engine(store_url)
    with engine.begin() as connection:  # the shape Alembic's 0001_core creates
        connection.execute(
            sa.text(
                "CREATE TABLE apscheduler_jobs (id VARCHAR(191) NOT NULL, next_run_time FLOAT,"
                " job_state BLOB NOT NULL, CONSTRAINT pk_apscheduler_jobs PRIMARY KEY (id))"
            )
        )
    engine.dispose()
    scheduler = make_scheduler()
    fire = Recorder()
    scheduler.register("t.fire", fire)
    await scheduler.start()
    await scheduler.add_at(soon(0.1), "t.fire", n=1)
    await fire.wait_for(1)
    assert fire.calls[0][1] == {"n": 1}


async def test_jobs_persist_in_the_migrated_application_database(database: Database) -> None:
    """The real set-up: the table comes from Alembic, the URL from ``Database.sync_url``."""
    first = Scheduler(database.sync_url)
    first.register("t.fire", Recorder())
    await first.start()
    try:
        when = soon(0.5)
        await first.add_at(when, "t.fire", job_id="persisted", chat_id=-100123)
    finally:
        await first.stop()

    second = Scheduler(database.sync_url)
    fire = Recorder()
    second.register("t.fire", fire)
    await second.start()
    try:
        assert [job.id for job in await second.jobs()] == ["persisted"]
        await fire.wait_for(1)
        assert fire.calls[0][1] == {"chat_id": -100123}
    finally:
        await second.stop()


async def test_memory_store_works_without_a_database() -> None:
    scheduler = Scheduler(None)
    fire = Recorder()
    scheduler.register("t.fire", fire)
    await scheduler.start()
    try:
        await scheduler.add_at(soon(0.1), "t.fire", n=2)
        await fire.wait_for(1)
        assert fire.calls[0][1] == {"n": 2}
    finally:
        await scheduler.stop()
