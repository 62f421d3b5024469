"""The plugin in a running Sova: the weekly report job is scheduled from the config and runs;
administrators get Sova's load forecast, others a refusal; the config is validated."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from pydantic import ValidationError

from bot.plugins import PluginRuntime
from bot.storage import Database, MessageRow
from plugins.forecast import REPORT_JOB, Forecasting
from plugins.forecast.config import ForecastConfig
from tests.e2e.harness import make_settings, running_sova

PLUGINS = ("smalltalk", "account", "forecast")  # the e2e test's set: one NLU training
ADMIN = 7


async def _log_messages(db: Database, days: int, *, now: datetime) -> int:
    """A few weeks of traffic: busier by day than by night, busier on weekdays."""
    rows = []
    start = (now - timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    for hour in range(days * 24):
        moment = start + timedelta(hours=hour)
        count = (3 if 9 <= moment.hour < 21 else 1) + (1 if moment.weekday() < 5 else 0)
        for k in range(count):
            rows.append(
                MessageRow(
                    event_id=uuid.uuid4().hex,
                    trace_id=uuid.uuid4().hex,
                    channel="terminal",
                    chat_id=100,
                    user_id=100,
                    kind="text",
                    text="hi",
                    created_at=moment + timedelta(minutes=7 * k),
                )
            )
    async with db.session() as session:
        session.add_all(rows)
    return len(rows)


def _settings(tmp_path: Path, nlu_cache: Path, **env: str) -> Any:
    return make_settings(
        tmp_path,
        db_url=f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}",
        nlu_cache=nlu_cache,
        plugins=PLUGINS,
        extra_env={"SOVA_ADMIN__USERS": str(ADMIN), **env},
    )


async def test_weekly_report_is_scheduled_and_runs(tmp_path: Path, nlu_cache: Path) -> None:
    settings = _settings(tmp_path, nlu_cache, SOVA_PLUGINS__FORECAST__REPORT_CRON="30 8 * * fri")
    async with running_sova(settings, user_id=ADMIN) as chat:
        jobs = {job.id: job for job in await chat.app.scheduler.jobs()}
        assert REPORT_JOB in jobs
        next_run = jobs[REPORT_JOB].next_run
        assert next_run is not None
        local = next_run.astimezone(chat.app.default_timezone)
        assert (local.weekday(), local.hour, local.minute) == (4, 8, 30)

        await chat.say("hello")  # the administrator is now a known user of the terminal
        await _log_messages(chat.app.db, 30, now=datetime.now(UTC))
        assert chat.app.registry is not None
        plugin = chat.app.registry.plugins["forecast"]
        assert isinstance(plugin, Forecasting)
        before = len(chat.output.getvalue())
        await plugin.weekly_report()
        # The report is a reply like any other: recorded, then delivered by the bus.
        report = (await chat.wait_for("Coming week", within=10))[before:]
    assert "Weekly load report" in report
    assert report.count("forecast ") >= 7  # one line per day of last week
    assert "Week: forecast" in report and "Coming week: about" in report


async def test_the_load_forecast_is_for_administrators(tmp_path: Path, nlu_cache: Path) -> None:
    settings = _settings(tmp_path, nlu_cache)
    async with running_sova(settings, user_id=ADMIN) as chat:
        await _log_messages(chat.app.db, 21, now=datetime.now(UTC))
        answer = await chat.say("forecast the load for next week")
    assert "📈 messages per hour: forecast for 168 hours ahead" in answer
    assert "[photo: " in answer and "[document: " in answer
    csv_path = Path(answer.split("[document: ")[1].split("]")[0])
    lines = (await asyncio.to_thread(csv_path.read_text)).splitlines()
    assert len(lines) == 1 + 168 and lines[0].startswith("date,series,forecast,lo_80")
    assert all(float(line.split(",")[3]) >= 0 for line in lines[1:])  # no negative counts

    async with running_sova(settings, user_id=ADMIN + 1) as chat:
        refusal = await chat.say("прогноз нагрузки на неделю")
    assert "только администраторам" in refusal


class _Scheduler:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def add_cron(self, job: str, *, job_id: str, cron: str) -> str:
        self.calls.append(("add", cron))
        return job_id

    async def cancel(self, job_id: str) -> bool:
        self.calls.append(("cancel", job_id))
        return True


@pytest.mark.parametrize(("enabled", "call"), [(True, ("add", "0 9 * * mon")),
                                                (False, ("cancel", REPORT_JOB))])  # fmt: skip
async def test_report_switch(enabled: bool, call: tuple[str, str]) -> None:
    scheduler = _Scheduler()
    runtime = cast(PluginRuntime, type("Runtime", (), {"scheduler": scheduler})())
    plugin = Forecasting(runtime, ForecastConfig(report_enabled=enabled))
    await plugin.started()
    assert scheduler.calls == [call]


@pytest.mark.parametrize(
    "section",
    [{"report_cron": "every monday"}, {"levels": [40]}, {"levels": []}, {"method": "prophet"},
     {"max_rows": 0}, {"unknown": 1}],
)  # fmt: skip
def test_bad_config_is_refused(section: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ForecastConfig.model_validate(section)


def test_config_defaults() -> None:
    config = ForecastConfig.model_validate({"levels": [95, 80, 95]})
    assert config.levels == (80, 95) and config.method == "auto" and config.max_rows == 100_000


async def test_requests_without_a_file_or_with_a_bad_level(
    tmp_path: Path, nlu_cache: Path
) -> None:
    async with running_sova(_settings(tmp_path, nlu_cache), user_id=ADMIN + 2) as chat:
        assert "Send me a CSV or Excel file" in await chat.say("forecast the next 6 months")
        assert "Пришлите CSV или Excel" in await chat.say("спрогнозируй на полгода")
        bad = await chat.say("forecast the next 6 months with a 30% interval")
        assert "An interval level of 30% won't work" in bad
        assert "Send me a CSV" in await chat.say("/forecast 6 months")
