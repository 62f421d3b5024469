"""Named, persistent jobs (reminders, digests, clean-ups) on APScheduler 3.

Jobs are stored as a reference to the module-level trampoline ``run_registered_job`` plus the
job's *name* and plain keyword arguments, never as a pickled function or object: a stored job
survives restarts and code changes as long as some handler is registered under its name.

Threads and the event loop (checked against APScheduler 3.11's source):
- Job store calls are synchronous. ``add_at``, ``add_cron``, ``cancel`` and ``jobs`` run in
  worker threads. That is safe with ``AsyncIOScheduler``: every store access holds the
  scheduler's ``_jobstores_lock`` (a threading RLock), and the wake-up after an add is
  posted to the loop with ``call_soon_threadsafe``.
- The due-job pass itself (``_process_jobs``: select due jobs, update or delete them) runs
  in a worker thread too (``_SturdyAsyncIOScheduler.wakeup``), never on the loop: see there
  why blocking the loop on the store can deadlock with the app's own SQLite sessions.
- Job functions run as tasks on the loop the scheduler was started on.

Delivery is at least once: if the store fails after a job was started but before it was
marked done, the job runs again on the retry.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import partial
from typing import Any, TypeVar

from apscheduler.events import EVENT_SCHEDULER_SHUTDOWN
from apscheduler.executors.base import BaseExecutor, run_coroutine_job
from apscheduler.jobstores.base import BaseJobStore, ConflictingIdError, JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from apscheduler.util import astimezone

logger = logging.getLogger(__name__)

JobFunc = Callable[..., Awaitable[None]]
T = TypeVar("T")

# What the job store records as every job's function. Renaming or moving
# ``run_registered_job`` orphans all stored jobs: keep this path stable.
TRAMPOLINE_REF = "bot.scheduler:run_registered_job"

# How long ``stop`` waits for running jobs before cancelling them.
DEFAULT_STOP_TIMEOUT_S = 30.0

# After a failed due-job pass (database down), when to try again.
STORE_RETRY_S = 10.0


@dataclass(frozen=True, slots=True)
class ScheduledJob:
    id: str
    job: str  # the registered name, e.g. "reminders.fire"
    next_run: datetime | None
    kwargs: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _JobRun:
    scheduler: Scheduler
    job_id: str


# Set by the executor in each job's task, so the trampoline knows which Scheduler (and which
# job id) it runs for without anything but plain values in the stored job.
_current_run: contextvars.ContextVar[_JobRun | None] = contextvars.ContextVar(
    "current_job_run", default=None
)


async def run_registered_job(job: str, /, **kwargs: Any) -> None:
    """The function every stored job points to: runs the handler registered as ``job``."""
    run = _current_run.get()
    if run is None:
        logger.error("job %r was run outside a Scheduler; ignoring it", job)
        return
    await run.scheduler._run(run.job_id, job, kwargs)


class Scheduler:
    """Runs named async jobs at a time or on a schedule; jobs persist in ``store_url``.

    ``store_url`` is a synchronous SQLAlchemy URL (``sqlite:///sova.db``,
    ``postgresql+psycopg://...``); ``None`` keeps jobs in memory (tests, CLI tools). The
    ``apscheduler_jobs`` table is created when missing and used as-is when it exists.

    A job whose time passed while the process was down still runs after ``start`` if it is
    at most ``misfire_grace_s`` late (the value in force now, not when the job was added); a
    recurring job that missed several runs runs once.
    Register handlers before ``start`` so overdue jobs find them on the first pass.
    """

    def __init__(
        self, store_url: str | None, *, timezone: str = "UTC", misfire_grace_s: int = 6 * 3600
    ) -> None:
        if misfire_grace_s < 1:
            raise ValueError(f"misfire_grace_s must be at least 1, got {misfire_grace_s}")
        self._store_url = store_url
        self._timezone: tzinfo = astimezone(timezone)
        self._misfire_grace_s = misfire_grace_s
        self._handlers: dict[str, JobFunc] = {}
        self._aps: Any = None  # an AsyncIOScheduler while started
        self._executor: _LoopExecutor | None = None
        self._accepting = False  # store calls allowed (between start and the end of stop)
        self._stopping = False
        self._store_calls: set[asyncio.Future[Any]] = set()
        self._shut_down = asyncio.Event()

    def register(self, job: str, func: JobFunc) -> None:
        """Name an async handler; stored jobs refer to it by ``job`` only."""
        if job in self._handlers and self._handlers[job] is not func:
            raise ValueError(f"a different handler is already registered as {job!r}")
        self._handlers[job] = func

    async def start(self) -> None:
        if self._aps is not None:
            raise RuntimeError("scheduler already started")
        loop = asyncio.get_running_loop()
        executor = _LoopExecutor(self, loop, self._misfire_grace_s)
        aps = _SturdyAsyncIOScheduler(
            event_loop=loop,
            timezone=self._timezone,
            jobstore_retry_interval=STORE_RETRY_S,
            jobstores={"default": self._create_store()},
            executors={"default": executor},
            job_defaults={
                "misfire_grace_time": self._misfire_grace_s,
                "coalesce": True,
                "max_instances": 1,  # a recurring job never overlaps itself
            },
        )
        aps.add_listener(lambda _: self._shut_down.set(), EVENT_SCHEDULER_SHUTDOWN)
        self._shut_down.clear()
        # On the loop on purpose, although it blocks for the store set-up (one CREATE TABLE
        # IF NOT EXISTS): from a worker thread, the first due-job pass could start jobs before
        # this method had marked the scheduler usable, and a job adding a job would fail.
        aps.start()
        self._aps, self._executor = aps, executor
        self._accepting = True

    async def stop(self, *, drain_timeout: float = DEFAULT_STOP_TIMEOUT_S) -> None:
        """Start no new jobs, wait for running ones (up to ``drain_timeout``), shut down."""
        aps, executor = self._aps, self._executor
        if aps is None or executor is None:
            return
        if self._stopping:
            await self._shut_down.wait()
            return
        self._stopping = True
        try:
            aps.pause()  # due jobs stay in the store for the next start
            still_running = await executor.wait_idle(drain_timeout)
            if still_running:
                logger.warning(
                    "scheduler stop: %d job(s) still running after %.1fs; cancelling them",
                    still_running,
                    drain_timeout,
                )
            self._accepting = False
            if self._store_calls:  # an add that is half-way must not land after shutdown
                await asyncio.wait(set(self._store_calls))
            # AsyncIOScheduler.shutdown only posts the work to the loop; the listener tells
            # us when it has happened (running jobs cancelled, store disposed).
            aps.shutdown(wait=False)
            await self._shut_down.wait()
            self._aps = self._executor = None
        finally:
            self._stopping = False

    async def add_at(
        self, when: datetime, job: str, *, job_id: str | None = None, **kwargs: Any
    ) -> str:
        """Run ``job`` once at ``when`` (timezone-aware) with ``kwargs``; returns the job id.

        A ``job_id`` already in use raises ``ValueError`` (cancel it first to reschedule).
        """
        if when.tzinfo is None:
            raise ValueError("when must be timezone-aware")
        self._check_job(job, kwargs)
        job_id = job_id or uuid.uuid4().hex
        trigger = DateTrigger(run_date=when, timezone=self._timezone)
        try:
            await self._store_call(self._add, trigger, job, job_id, kwargs, False)
        except ConflictingIdError as exc:
            raise ValueError(f"a job with id {job_id!r} is already scheduled") from exc
        return job_id

    async def add_cron(
        self,
        job: str,
        *,
        job_id: str,
        cron: str | None = None,
        interval_s: float | None = None,
        **kwargs: Any,
    ) -> str:
        """Run ``job`` repeatedly; replaces a job with the same id (safe to call on every boot).

        ``cron`` is a five-field crontab in the scheduler's time zone. APScheduler 3 numbers
        weekdays from Monday = 0, unlike crontab: write day names (``mon-fri``), not numbers.
        """
        if (cron is None) == (interval_s is None):
            raise ValueError("give exactly one of cron or interval_s")
        self._check_job(job, kwargs)
        trigger: BaseTrigger
        if cron is not None:
            trigger = CronTrigger.from_crontab(cron, timezone=self._timezone)
        else:
            assert interval_s is not None
            if interval_s <= 0:
                raise ValueError(f"interval_s must be positive, got {interval_s}")
            trigger = IntervalTrigger(seconds=interval_s, timezone=self._timezone)
        await self._store_call(self._add, trigger, job, job_id, kwargs, True)
        return job_id

    async def cancel(self, job_id: str) -> bool:
        """Remove a scheduled job; False when there was none with that id."""
        removed: bool = await self._store_call(self._remove, job_id)
        return removed

    async def jobs(self) -> list[ScheduledJob]:
        """All stored jobs, soonest first."""
        stored = await self._store_call(self._list)
        return [_describe(job) for job in stored]

    # -- internals ---------------------------------------------------------------------------

    def _create_store(self) -> BaseJobStore:
        if self._store_url is None:
            return MemoryJobStore()
        return SQLAlchemyJobStore(url=self._store_url)

    def _check_job(self, job: str, kwargs: dict[str, Any]) -> None:
        if job not in self._handlers:
            known = ", ".join(sorted(self._handlers)) or "none"
            raise ValueError(f"no handler registered as {job!r} (registered: {known})")
        try:
            # Plain values only: the store pickles kwargs, and an app object pickled today
            # may not unpickle after tomorrow's deploy.
            json.dumps(kwargs)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"job kwargs must be plain JSON values: {exc}") from exc

    async def _store_call(self, func: Callable[..., T], *args: Any) -> T:
        if not self._accepting:
            raise RuntimeError("scheduler is not running: call start() first")
        future = asyncio.ensure_future(asyncio.to_thread(func, *args))
        self._store_calls.add(future)
        future.add_done_callback(self._forget_store_call)
        # Shielded: if the caller is cancelled the thread still finishes, and ``stop`` must
        # still be able to wait for it.
        return await asyncio.shield(future)

    def _forget_store_call(self, future: asyncio.Future[Any]) -> None:
        self._store_calls.discard(future)
        if not future.cancelled():
            future.exception()  # retrieved: the caller may have been cancelled meanwhile

    def _add(
        self,
        trigger: BaseTrigger,
        job: str,
        job_id: str,
        kwargs: dict[str, Any],
        replace_existing: bool,
    ) -> None:
        self._aps.add_job(
            TRAMPOLINE_REF,  # a textual reference is what gets pickled
            trigger=trigger,
            args=(job,),
            kwargs=kwargs,
            id=job_id,
            name=job,
            replace_existing=replace_existing,
        )

    def _list(self) -> list[Any]:
        jobs: list[Any] = self._aps.get_jobs()
        return jobs

    def _remove(self, job_id: str) -> bool:
        try:
            self._aps.remove_job(job_id)
        except JobLookupError:
            return False
        return True

    async def _run(self, job_id: str, job: str, kwargs: dict[str, Any]) -> None:
        handler = self._handlers.get(job)
        if handler is None:
            # Dropped, not retried: APScheduler has already removed (one-shot) or advanced
            # (recurring) the job, so keeping it would mean re-adding it in a retry loop for
            # what is a deployment problem (a plugin renamed or disabled). The log line has
            # all it takes to re-create it by hand.
            logger.error(
                "job %s: no handler registered for %r; dropping this run (kwargs: %r)",
                job_id,
                job,
                kwargs,
            )
            return
        try:
            await handler(**kwargs)
        except Exception:
            logger.exception("job %s (%s) failed", job_id, job)


def _describe(job: Any) -> ScheduledJob:
    is_ours = job.func_ref == TRAMPOLINE_REF and job.args
    return ScheduledJob(
        id=job.id,
        job=job.args[0] if is_ours else job.name,
        next_run=job.next_run_time,
        kwargs=dict(job.kwargs),
    )


# APScheduler ships no type information, hence the ignores on subclassing it.
class _SturdyAsyncIOScheduler(AsyncIOScheduler):  # type: ignore[misc]
    """An AsyncIOScheduler whose due-job pass runs off the event loop and survives failures.

    - Off the loop: the pass reads and writes the job store synchronously. On SQLite that
      store shares the file with the app's async sessions; if the loop itself waited for the
      file's write lock, the async transaction holding that lock could never reach its
      commit (it needs the loop) and both would stall until "database is locked". In a
      worker thread the pass simply waits for the commit.
    - Survives failures: APScheduler retries only when *reading* due jobs fails; if updating
      or removing a job raises (the database went away mid-pass), no timer would be set
      again and the scheduler would sleep until the next ``add``.
    """

    _pass_running = False
    _pass_again = False

    def wakeup(self) -> None:
        # Called from the loop (timer), from worker threads (after an add) and by start().
        self._eventloop.call_soon_threadsafe(self._wakeup_on_loop)

    def _wakeup_on_loop(self) -> None:
        self._stop_timer()
        if self.state == STATE_STOPPED:
            return
        if self._pass_running:
            self._pass_again = True  # something changed during the pass: look again after it
            return
        self._pass_running = True
        future = self._eventloop.run_in_executor(None, self._process_jobs)
        future.add_done_callback(self._pass_done)

    def _pass_done(self, future: asyncio.Future[float | None]) -> None:
        self._pass_running = False
        wait_seconds = future.result()
        if self._pass_again:
            self._pass_again, wait_seconds = False, 0
        if self.state != STATE_STOPPED:
            self._start_timer(wait_seconds)

    def _process_jobs(self) -> float | None:
        try:
            wait_seconds: float | None = super()._process_jobs()
        except Exception:
            logger.exception("scheduler pass failed; retrying in %.0fs", STORE_RETRY_S)
            return STORE_RETRY_S
        return wait_seconds


class _LoopExecutor(BaseExecutor):  # type: ignore[misc]
    """Runs each due job as a task on the app's loop, and lets ``stop`` wait for them.

    Replaces APScheduler's ``AsyncIOExecutor``, whose shutdown cancels running jobs and
    cannot wait; this one also tags each task with its job id for the trampoline.
    Submitted from the due-job pass (a worker thread); tasks are created on the loop.
    """

    def __init__(
        self, owner: Scheduler, loop: asyncio.AbstractEventLoop, misfire_grace_s: int
    ) -> None:
        super().__init__()
        self._owner = owner
        self._loop = loop
        self._misfire_grace_s = misfire_grace_s
        self._running: set[asyncio.Task[Any]] = set()

    def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:
        # APScheduler pickles the grace time into each job when it is added; the setting in
        # force now should decide whether a job missed during downtime still runs.
        job.misfire_grace_time = self._misfire_grace_s
        # Called in the due-job pass, which runs in a worker thread: hand over to the loop.
        self._loop.call_soon_threadsafe(self._spawn, job, run_times)

    def _spawn(self, job: Any, run_times: list[datetime]) -> None:
        context = contextvars.copy_context()
        context.run(_current_run.set, _JobRun(self._owner, job.id))
        # run_coroutine_job applies the misfire grace time and reports APScheduler events.
        coro = run_coroutine_job(job, job._jobstore_alias, run_times, self._logger.name)
        task = self._loop.create_task(coro, name=f"job {job.id}", context=context)
        self._running.add(task)
        task.add_done_callback(partial(self._finished, job.id))

    def _finished(self, job_id: str, task: asyncio.Task[Any]) -> None:
        self._running.discard(task)
        if task.cancelled():
            self._run_job_error(job_id, asyncio.CancelledError())
        elif (error := task.exception()) is not None:
            self._run_job_error(job_id, error, error.__traceback__)
        else:
            self._run_job_success(job_id, task.result())

    async def wait_idle(self, limit_s: float) -> int:
        """Wait for running jobs (not the caller's own); returns how many are still running."""
        others = self._running - {asyncio.current_task()}
        if not others:
            return 0
        _, pending = await asyncio.wait(others, timeout=limit_s)
        return len(pending)

    def shutdown(self, wait: bool = True) -> None:
        for task in self._running:
            task.cancel()
