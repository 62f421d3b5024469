"""``/ab create | list | stop | report``: what administrators do with experiments.

The pipeline already refuses ``/ab`` to non-admins and audits every call; creating and
stopping are audited again with their own action names and the design, so the audit log
answers "who started this experiment, with which split" without parsing arguments.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.plugins import Context
from bot.storage import AuditLog, Database
from plugins.abtest import numbers
from plugins.abtest.config import AbtestConfig
from plugins.abtest.design_parser import DesignError, parse_design
from plugins.abtest.metrics import METRICS
from plugins.abtest.records import Experiment
from plugins.abtest.report import experiment_report
from plugins.abtest.report_table import table_csv, write_table
from plugins.abtest.sending import ReportSender
from plugins.abtest.service import VariantService
from plugins.abtest.store import ExperimentStore, NameTaken, ParameterBusy


class ExperimentCommands:
    def __init__(
        self,
        db: Database,
        store: ExperimentStore,
        service: VariantService,
        config: AbtestConfig,
        sender: ReportSender,
        tables: Path,
    ) -> None:
        self.db = db
        self.store = store
        self.service = service
        self.config = config
        self.sender = sender
        self.tables = tables
        self.audit = AuditLog(db)

    async def run(self, ctx: Context, args: str) -> None:
        action, _, rest = args.strip().partition(" ")
        rest = rest.strip()
        match action.lower():
            case "create":
                await self.create(ctx, rest)
            case "list":
                await self.list(ctx)
            case "stop":
                await self.stop(ctx, rest)
            case "report":
                await self.report(ctx, rest)
            case _:
                await self.usage(ctx)

    async def usage(self, ctx: Context) -> None:
        await ctx.reply(ctx.t("ab_usage", metrics=", ".join(METRICS)), speakable=False)

    async def create(self, ctx: Context, args: str) -> None:
        try:
            design = parse_design(args, METRICS.keys(), default_mde=self.config.default_mde)
        except DesignError as error:
            await ctx.reply(ctx.t(error.key, **error.values), speakable=False)
            return
        try:
            experiment = await self.store.create(design, ctx.user_id)
        except NameTaken:
            await ctx.reply(ctx.t("name_taken", name=design.name), speakable=False)
            return
        except ParameterBusy as busy:
            text = ctx.t("parameter_busy", other=busy.other, parameter=design.parameter)
            await ctx.reply(text, speakable=False)
            return
        await self.service.refresh()
        await self.audit.record(
            ctx.user_id,
            "abtest.create",
            design.name,
            {
                "parameter": design.parameter,
                "variants": {v.name: v.weight for v in design.variants},
                "metric": design.primary_metric,
                "guardrails": list(design.guardrails),
                "mde": design.mde,
                "planned_n": design.planned_n,
            },
        )
        planned = (
            ctx.t("planned_given", n=numbers.count(design.planned_n, ctx.lang))
            if design.planned_n
            else ctx.t("planned_later", n=numbers.count(self.config.min_baseline_users, ctx.lang))
        )
        await ctx.reply(
            ctx.t(
                "created",
                name=design.name,
                parameter=design.parameter,
                variants=_split(experiment),
                metric=design.primary_metric,
                guardrails=", ".join(design.guardrails) or ctx.t("none"),
                mde=numbers.level(design.mde, ctx.lang),
                planned=planned,
            ),
            speakable=False,
        )

    async def list(self, ctx: Context) -> None:
        experiments = await self.store.all()
        if not experiments:
            await ctx.reply(ctx.t("no_experiments"), speakable=False)
            return
        lines = [ctx.t("list_header")]
        for e in experiments:
            counts = await self.store.exposure_counts(e.id)
            variants = ", ".join(
                f"{v.name} {numbers.count(counts.get(v.name, 0), ctx.lang)}"
                for v in e.design.variants
            )
            lines.append(
                ctx.t(
                    "list_line",
                    name=e.name,
                    status=ctx.t("status_running" if e.running else "status_stopped"),
                    parameter=e.parameter,
                    variants=variants,
                    metric=e.design.primary_metric,
                    since=_date(e.created_at, ctx),
                )
            )
        await ctx.reply("\n".join(lines), speakable=False)

    async def stop(self, ctx: Context, name: str) -> None:
        if not name:
            await ctx.reply(ctx.t("stop_usage"), speakable=False)
            return
        name = name.split(maxsplit=1)[0].lower()
        experiment = await self.store.by_name(name)
        if experiment is None:
            await ctx.reply(ctx.t("unknown_experiment", name=name), speakable=False)
            return
        stopped = await self.store.stop(name)
        if stopped is None:
            await ctx.reply(ctx.t("not_running", name=name), speakable=False)
            return
        await self.service.refresh()
        await self.audit.record(ctx.user_id, "abtest.stop", name, {"parameter": stopped.parameter})
        await ctx.reply(ctx.t("stopped", name=name, parameter=stopped.parameter), speakable=False)

    async def report(self, ctx: Context, name: str) -> None:
        if not name:
            await ctx.reply(ctx.t("report_usage"), speakable=False)
            return
        experiment = await self.store.by_name(name.split(maxsplit=1)[0].lower())
        if experiment is None:
            await ctx.reply(ctx.t("unknown_experiment", name=name), speakable=False)
            return
        async with ctx.busy("typing"):
            report, _ = await experiment_report(
                self.db, self.store, experiment, self.config, now=ctx.now
            )
        button = ctx.button(ctx.t("csv_button"), "csv", experiment.name)
        await self.sender.send(report, ctx.reply, ctx.t, ctx.lang, button)

    async def table(self, ctx: Context, name: str) -> None:
        """The full table of an experiment's report, computed now (the data moves on)."""
        experiment = await self.store.by_name(name)
        if experiment is None:
            await ctx.reply(ctx.t("unknown_experiment", name=name), speakable=False)
            return
        report, _ = await experiment_report(
            self.db, self.store, experiment, self.config, now=ctx.now
        )
        path = await write_table(report.title, table_csv(report), self.tables)
        await ctx.reply(
            ctx.t("csv_caption", title=report.title),
            kind="document",
            file_path=str(path),
            speakable=False,
        )


def _split(experiment: Experiment) -> str:
    variants = experiment.design.variants
    total = sum(v.weight for v in variants)
    return ", ".join(f"{v.name} {round(100 * v.weight / total, 1):g}%" for v in variants)


def _date(when: datetime, ctx: Context) -> str:
    return when.astimezone(ctx.tz).strftime("%Y-%m-%d")
