"""The plugin in a running Sova (terminal channel, demo catalog): the taste question and its
buttons, presses in SQL and the feedback log, the experiment hook, admin subcommands with
their audit, the scheduled retrain, /forget, and the config."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from bot.config import Settings
from bot.events import InboundMessage, MessageKind
from bot.storage import AuditRow, FeedbackRow, ReplyRow
from plugins.recommend import RETRAIN_JOB, Recommendations
from plugins.recommend.config import RecommendConfig
from plugins.recommend.tables import RecInteractionRow
from tests.e2e.harness import Chat, make_settings, running_sova

PLUGINS = ("smalltalk", "account", "recommend")  # the e2e test's set: one NLU training
ADMIN = 7
USER = 8


def _settings(tmp_path: Path, nlu_cache: Path, **env: str) -> Settings:
    return make_settings(
        tmp_path,
        db_url=f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}",
        nlu_cache=nlu_cache,
        plugins=PLUGINS,
        extra_env={"SOVA_ADMIN__USERS": str(ADMIN), **env},
    )


def _plugin(chat: Chat) -> Recommendations:
    assert chat.app.registry is not None
    plugin = chat.app.registry.plugins["recommend"]
    assert isinstance(plugin, Recommendations)
    return plugin


async def _last_buttons(chat: Chat) -> dict[str, str]:
    """Text → callback data of the newest reply's buttons."""
    async with chat.app.db.session() as session:
        reply = await session.scalar(select(ReplyRow).order_by(ReplyRow.id.desc()).limit(1))
    assert reply is not None
    return {b["text"]: b["data"] for row in reply.payload["buttons"] for b in row}


async def _press(chat: Chat, data: str, user: int, needle: str) -> str:
    before = len(chat.output.getvalue())
    await chat.app.submit(
        InboundMessage(
            chat_id=user, user_id=user, channel="terminal", kind=MessageKind.CALLBACK,
            callback_data=data,
        )
    )  # fmt: skip
    return (await chat.wait_for(needle, within=15))[before:]


class _Experiment:
    def __init__(self, variant: str) -> None:
        self.variant_name = variant
        self.asked: list[tuple[str, int]] = []

    async def variant(self, parameter: str, user_id: int, default: str) -> str:
        self.asked.append((parameter, user_id))
        return self.variant_name


async def test_taste_question_then_picks_presses_and_the_experiment_hook(
    tmp_path: Path, nlu_cache: Path
) -> None:
    async with running_sova(_settings(tmp_path, nlu_cache), user_id=USER) as chat:
        await _plugin(chat).ready()
        question = await chat.say("recommend me a movie")
        assert "What do you like? Pick a genre" in question
        buttons = await _last_buttons(chat)
        assert "sci-fi" in buttons and "Anything" in buttons
        picks = await _press(chat, buttons["sci-fi"], USER, "Films for you")
        lines = [line for line in picks.splitlines() if line[:2] in {f"{n}." for n in range(1, 9)}]
        assert len(lines) == 5
        assert all("sci-fi" in line and "sci-fi, as you like" in line for line in lines)
        assert "[1 👍]  [1 👎]  [1 ✓ seen]" in picks

        # 👍 on the first pick: an interaction, a feedback row, and the item never returns.
        buttons = await _last_buttons(chat)
        first_title = lines[0].split(". ", 1)[1].split(" (")[0]
        ack = await _press(chat, buttons["1 👍"], USER, "Noted: you liked")
        assert first_title in ack
        again = await chat.say("recommend me a movie")
        assert "Films for you" in again
        titles = [line.split(". ", 1)[1].split(" (")[0] for line in again.splitlines()[1:6]]
        assert len(titles) == 5 and first_title not in titles
        assert again.count(f"similar to «{first_title}»") == 5  # content: nobody else rated
        async with chat.app.db.session() as session:
            presses = list(await session.scalars(select(RecInteractionRow)))
            feedback = list(await session.scalars(select(FeedbackRow)))
        assert [(p.user_id, p.kind) for p in presses] == [(USER, "like")]
        assert [(f.kind, f.value, f.reply_id is not None) for f in feedback] == [
            ("recommend.item", 1.0, True)
        ]

        # An experiment on recommend.algorithm decides the algorithm this user gets.
        experiment = _Experiment("popularity")
        chat.app.experiments.register(experiment)
        popular = await chat.say("recommend me a movie")
        assert experiment.asked == [("recommend.algorithm", USER)]
        assert "because you liked" not in popular
        chat.app.experiments.unregister(experiment)


async def test_admin_subcommands_are_guarded_and_audited(tmp_path: Path, nlu_cache: Path) -> None:
    settings = _settings(tmp_path, nlu_cache)
    async with running_sova(settings, user_id=USER) as chat:
        refused = await chat.say("/rec retrain")
        assert "/rec retrain is for administrators only" in refused
        nothing = await chat.say("/rec import")
        assert "for administrators only" in nothing
    async with running_sova(settings, user_id=ADMIN) as chat:
        await _plugin(chat).ready()
        stats = await chat.say("/rec stats")
        assert "Catalog: 186 items (film, book)" in stats
        retrained = await chat.say("/rec retrain")
        assert "Model v2 trained: 0 interactions" in retrained
        no_file = await chat.say("/rec import")
        assert "Send me a CSV file with the caption /rec import" in no_file
        async with chat.app.db.session() as session:
            audit = [(a.actor_id, a.action, a.target) for a in await session.scalars(
                select(AuditRow).order_by(AuditRow.id))]  # fmt: skip
    assert audit == [
        (USER, "command.denied", "/rec retrain"),
        (USER, "command.denied", "/rec import"),
        (ADMIN, "command", "/rec stats"),
        (ADMIN, "command", "/rec retrain"),
        (ADMIN, "command", "/rec import"),
    ]


async def test_retrain_job_is_scheduled_and_forget_removes_the_user(
    tmp_path: Path, nlu_cache: Path
) -> None:
    settings = _settings(tmp_path, nlu_cache, SOVA_PLUGINS__RECOMMEND__RETRAIN_CRON="15 4 * * *")
    async with running_sova(settings, user_id=USER) as chat:
        plugin = _plugin(chat)
        await plugin.ready()
        jobs = {job.id: job for job in await chat.app.scheduler.jobs()}
        next_run = jobs[RETRAIN_JOB].next_run
        assert next_run is not None
        local = next_run.astimezone(chat.app.default_timezone)
        assert (local.hour, local.minute) == (4, 15)

        matrix = next(i for i in plugin.service.catalog.items if i.external_id == "f001")
        await plugin.service.press(USER, matrix.id, "like")
        await plugin.service.store.set_tastes(USER, ("sci-fi",))
        version = plugin.service.snapshot.version
        await plugin.retrain()  # what the scheduler runs
        assert plugin.service.snapshot.version == version + 1
        assert plugin.service.snapshot.n_interactions == 1

        await plugin.forget_user(USER)
        await plugin.ready()
        assert await plugin.service.store.user_interactions(USER) == []
        assert await plugin.service.store.tastes(USER) is None
        assert plugin.service.snapshot.n_interactions == 0


@pytest.mark.parametrize(
    "bad",
    [{"retrain_cron": "every day"}, {"algorithm": "svd"}, {"diversity": 2}, {"nope": 1}],
)
def test_config_is_validated(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        RecommendConfig.model_validate(bad)
