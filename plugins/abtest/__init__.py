"""A/B experiments on Sova itself, and A/B test reports like a statistician writes them.

- Administrators run experiments on plugin parameters with ``/ab`` (``commands.py``). A
  plugin reads its parameter with ``await ctx.variant("plugin.parameter", default)``; this
  plugin's ``VariantService`` (registered with the runtime at setup) hashes the user into a
  variant and records the exposure (``service.py``).
- ``/ab report NAME`` measures the declared metrics of the exposed users in the SQL store
  (``metrics.py``), analyses them (``analysis.py``: Welch, Mann-Whitney, z-test, bootstrap,
  SRM, power, CUPED) and answers with a verdict, the numbers, a chart and the table as CSV.
- Anyone can send a CSV of a test run elsewhere (group,value[,pre]) with a caption such as
  "A/B report" and get the same report (``csv_input.py``).
- Every day (``daily_report_cron``) the running experiments are reported to administrators.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from bot.events import Button, OutboundReply
from bot.plugins import Context, Plugin, button, command, intent, job
from bot.storage import UserRow
from bot.uploads import UploadedFile
from plugins.abtest.commands import ExperimentCommands
from plugins.abtest.config import AbtestConfig
from plugins.abtest.csv_input import CsvError, read_samples
from plugins.abtest.report import experiment_report, samples_report
from plugins.abtest.report_table import write_table
from plugins.abtest.report_text import Translate
from plugins.abtest.sending import RecentTables, Reply, ReportSender
from plugins.abtest.service import VariantService
from plugins.abtest.store import ExperimentStore

log = logging.getLogger(__name__)

DAILY_JOB = "abtest.daily_report"
CSV_EXTENSIONS = (".csv", ".txt", ".tsv")
CSV_TYPES = ("text/csv", "text/plain", "text/tab-separated-values", "application/vnd.ms-excel")


class Abtest(Plugin):
    name = "abtest"
    config_model = AbtestConfig
    documents = (".csv", ".tsv")

    @property
    def options(self) -> AbtestConfig:
        config = self.config
        assert isinstance(config, AbtestConfig)
        return config

    async def setup(self) -> None:
        runtime = self.runtime
        self.store = ExperimentStore(runtime.db)
        self.service = VariantService(
            self.store, refresh_s=self.options.refresh_s, active=self._enabled
        )
        self.sender = ReportSender(
            runtime.settings.data_path(Path("charts")), pre_days=self.options.pre_period_days
        )
        self.tables_folder = runtime.settings.data_path(Path("exports"))
        self.commands = ExperimentCommands(
            runtime.db, self.store, self.service, self.options, self.sender, self.tables_folder
        )
        self.recent = RecentTables()
        await self.service.refresh()
        runtime.experiments.register(self.service)

    async def started(self) -> None:
        cron = self.options.daily_report_cron
        if cron:
            await self.runtime.scheduler.add_cron(DAILY_JOB, job_id=DAILY_JOB, cron=cron)
        else:
            await self.runtime.scheduler.cancel(DAILY_JOB)

    async def teardown(self) -> None:
        self.runtime.experiments.unregister(self.service)

    async def forget_user(self, user_id: int) -> None:
        await self.store.forget_user(user_id)
        self.service.forget(user_id)

    def _enabled(self) -> bool:
        try:
            return self.runtime.plugin_registry().is_enabled(self.name)
        except RuntimeError:  # plugins still loading: nothing has been disabled yet
            return True

    # -- experiments ----------------------------------------------------------------------------
    @command("ab", admin=True)
    async def ab_command(self, ctx: Context, args: str) -> None:
        """A/B experiments: /ab create | list | stop NAME | report NAME"""
        await self.commands.run(ctx, args)

    @button("csv", admin=True)
    async def experiment_table(self, ctx: Context, args: str) -> None:
        await self.commands.table(ctx, args)

    @job("daily_report")
    async def daily_report(self) -> None:
        """Report every running experiment to every administrator Sova can reach."""
        experiments = await self.store.running()
        if not experiments:
            return
        reports = []
        for experiment in experiments:
            report, _ = await experiment_report(
                self.runtime.db, self.store, experiment, self.options, now=datetime.now(UTC)
            )
            reports.append(report)
        for user_id, channel, lang in await self._admins():
            t = self._translator(lang)
            reply = _reply_to(self, user_id, channel, lang)
            await reply(t("daily_header", count=len(reports)), speakable=False)
            for report in reports:
                csv = Button(text=t("csv_button"), data=f"{self.name}.csv:{report.title}")
                await self.sender.send(report, reply, t, lang, csv)

    async def _admins(self) -> list[tuple[int, str, str]]:
        """(user id, channel, language) of administrators who have talked to Sova."""
        settings = self.runtime.settings
        configured = settings.admin.users
        async with self.runtime.db.session() as session:
            rows = await session.execute(
                select(UserRow.id, UserRow.channel, UserRow.lang).where(
                    or_(UserRow.role == "admin", UserRow.id.in_(configured))
                )
            )
            default = settings.app.default_language
            return [(int(i), str(c), str(lang or default)) for i, c, lang in rows.all()]

    def _translator(self, lang: str) -> Translate:
        """``ctx.t`` for code without a context (the daily job): texts in a fixed language."""

        def t(key: str, **values: Any) -> str:
            return self.t(key, lang, **values)

        return t

    # -- reports from files ---------------------------------------------------------------------
    @intent("abtest_csv_report")
    async def csv_report(self, ctx: Context) -> None:
        document = await ctx.document()
        if document is None:
            await ctx.reply(ctx.t("csv_send"), speakable=False)
            return
        problem = self._unreadable(ctx, document)
        if problem is not None:
            await ctx.reply(problem, speakable=False)
            return
        options = self.options.analysis_options()
        async with ctx.busy("typing"):
            try:
                samples = await asyncio.to_thread(read_samples, document.data)
            except CsvError as error:
                await ctx.reply(ctx.t(error.key, **error.values), speakable=False)
                return
            report = await asyncio.to_thread(
                samples_report, samples, options, title=document.file_name
            )
        token = self.recent.add(report)
        await self.sender.send(
            report, ctx.reply, ctx.t, ctx.lang, ctx.button(ctx.t("csv_button"), "file_csv", token)
        )

    def _unreadable(self, ctx: Context, document: UploadedFile) -> str | None:
        mime = (document.mime_type or "").split(";")[0].strip().lower()
        if document.extension not in CSV_EXTENSIONS and mime not in CSV_TYPES:
            return ctx.t("csv_not_csv", name=document.file_name)
        limit = self.options.max_csv_mb
        if len(document.data) > limit * 2**20:
            size = round(len(document.data) / 2**20, 1)
            return ctx.t("csv_too_big", size=size, limit=limit)
        return None

    @button("file_csv")
    async def file_table(self, ctx: Context, args: str) -> None:
        stored = self.recent.get(args)
        if stored is None:
            await ctx.reply(ctx.t("csv_expired"), speakable=False)
            return
        path = await write_table(stored.title, stored.text, self.tables_folder)
        await ctx.reply(
            ctx.t("csv_caption", title=stored.title),
            kind="document",
            file_path=str(path),
            speakable=False,
        )


def _reply_to(plugin: Plugin, user_id: int, channel: str, lang: str) -> Reply:
    """A ``ctx.reply``-shaped sender to an administrator's private chat."""

    async def reply(
        text: str = "",
        *,
        buttons: Sequence[Sequence[Button]] = (),
        kind: str = "text",
        file_path: str | None = None,
        speakable: bool = True,
    ) -> int:
        message = OutboundReply(
            chat_id=user_id,
            user_id=user_id,
            lang=lang,
            channel=channel,
            text=text,
            buttons=tuple(tuple(row) for row in buttons),
            kind=kind,
            file_path=file_path,
            speakable=speakable,
        )
        return await plugin.runtime.send(message)

    return reply
