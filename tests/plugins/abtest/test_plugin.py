"""The plugin in a running Sova (terminal channel): the runtime asks it for variants, the daily
report reaches administrators, and "A/B report" without a file says what to send."""

from __future__ import annotations

from pathlib import Path

from bot.app import Sova
from bot.config import Settings
from plugins.abtest import DAILY_JOB, Abtest
from tests.e2e.harness import make_settings, running_sova

ADMIN = 7


def _settings(tmp_path: Path, nlu_cache: Path, **abtest: str) -> Settings:
    env = {"SOVA_ADMIN__USERS": str(ADMIN)}
    env.update({f"SOVA_PLUGINS__ABTEST__{k.upper()}": v for k, v in abtest.items()})
    return make_settings(
        tmp_path,
        db_url=f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}",
        nlu_cache=nlu_cache,
        plugins=("abtest",),  # one small intent catalog: a quick NLU build
        extra_env=env,
    )


def _plugin(app: Sova) -> Abtest:
    plugin = app.plugin_registry().plugins["abtest"]
    assert isinstance(plugin, Abtest)
    return plugin


async def test_variants_through_the_runtime_and_the_daily_report(
    tmp_path: Path, nlu_cache: Path
) -> None:
    settings = _settings(tmp_path, nlu_cache)
    async with running_sova(settings, user_id=ADMIN) as chat:
        app = chat.app
        assert [j.id for j in await app.scheduler.jobs()] == [DAILY_JOB]
        # No experiment: nothing to say, and every parameter has its default.
        await _plugin(app).daily_report()
        assert "Daily A/B report" not in chat.output.getvalue()
        assert await app.experiments.variant("greeter.style", 100, "plain") == "plain"

        created = await chat.say(
            "/ab create greeting param=greeter.style variants=plain,wave metric=messages"
        )
        assert "Experiment «greeting» is running" in created
        seen = {await app.experiments.variant("greeter.style", u, "plain") for u in range(50)}
        assert seen == {"plain", "wave"}

        await _plugin(app).daily_report()
        output = await chat.wait_for("[photo: ")  # replies are delivered as the bus runs
        assert "🧪 Daily A/B report: 1 running experiment(s)." in output
        assert "🧪 greeting — messages per user" in output
        assert "[📄 Full table (CSV)]" in output
        assert "too few users to plan the sample size yet" in output  # nobody has data yet

        # Disabled at run time: defaults again, nobody new is counted.
        app.plugin_registry().disable("abtest")
        assert await app.experiments.variant("greeter.style", 1000, "plain") == "plain"
        app.plugin_registry().enable("abtest")
        listing = await chat.say("/ab list")
        assert "greeting — ▶️ running" in listing
        assert listing.count("greeting") == 1


async def test_the_daily_report_can_be_switched_off(tmp_path: Path, nlu_cache: Path) -> None:
    settings = _settings(tmp_path, nlu_cache, daily_report_cron="")
    async with running_sova(settings, user_id=ADMIN) as chat:
        assert await chat.app.scheduler.jobs() == []
        answer = await chat.say("A/B report")
        assert "Send me the CSV with columns group and value" in answer
