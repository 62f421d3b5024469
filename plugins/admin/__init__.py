"""Administration commands for Sova's operators: /stats, /plugins, /users, /broadcast, /jobs,
/export, /health and /audit.

Every command and button here is ``admin=True``: the pipeline refuses them to everyone else
(and audits the attempt) before a handler runs. Handlers stay thin and delegate to one module
per idea; each change an admin makes is written to the audit log with its own action name.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from bot.plugins import Context, Plugin, button, command, job
from bot.storage import AuditLog
from plugins.admin.broadcast import Broadcaster
from plugins.admin.charts import ChartLabels, render_stats_chart
from plugins.admin.config import AdminConfig
from plugins.admin.dates import DateError, RangeError, parse_range
from plugins.admin.export import export_messages
from plugins.admin.health import health_report
from plugins.admin.listings import audit_limit, format_audit, format_jobs
from plugins.admin.people import People
from plugins.admin.plugin_control import PluginControl
from plugins.admin.stats import collect, format_stats

log = logging.getLogger(__name__)


class Admin(Plugin):
    name = "admin"
    config_model = AdminConfig

    async def setup(self) -> None:
        # Kept across /plugins reload admin: uptime is the process's, not the last reload's.
        self.started_monotonic: float = getattr(self, "started_monotonic", time.monotonic())
        self.audit = AuditLog(self.runtime.db)
        self.broadcaster = Broadcaster(self, self.options)
        self.plugin_control = PluginControl(self)
        self.people = People(self)

    async def started(self) -> None:
        resumed = await self.broadcaster.resume()
        if resumed:
            log.info("resumed %d interrupted broadcast(s)", resumed)

    async def forget_user(self, user_id: int) -> None:
        """Nothing to delete: a broadcast records what an administrator sent, like the audit
        log (which /forget keeps too); the copies people received are replies, which the
        runtime deletes with the rest of their chat."""

    @property
    def options(self) -> AdminConfig:
        config = self.config
        assert isinstance(config, AdminConfig)
        return config

    def _data_folder(self, name: str) -> Path:
        return self.runtime.settings.data_path(Path(name))

    # -- /stats -----------------------------------------------------------------------------------
    @command("stats", admin=True)
    async def stats_command(self, ctx: Context, args: str) -> None:
        """Usage numbers, latency and errors, with a chart."""
        stats = await collect(
            self.runtime.db, now=ctx.now, tz=ctx.tz, days=self.options.chart_days
        )
        await ctx.reply(format_stats(stats, ctx.t, ctx.tz))
        labels = ChartLabels(
            messages_title=ctx.t("chart_messages_title", days=self.options.chart_days),
            latency_title=ctx.t("chart_latency_title"),
            p50=ctx.t("chart_p50"),
            p95=ctx.t("chart_p95"),
            no_data=ctx.t("chart_no_data"),
        )
        try:
            path = await render_stats_chart(stats, labels, self._data_folder("charts"))
        except Exception:
            # The numbers above are the substance; a missing picture must not turn the
            # whole command into an apology.
            log.exception("stats chart failed")
            await ctx.reply(ctx.t("stats_chart_failed"))
            return
        await ctx.reply(ctx.t("stats_chart_caption"), kind="photo", file_path=str(path))

    # -- /plugins ---------------------------------------------------------------------------------
    @command("plugins", admin=True)
    async def plugins_command(self, ctx: Context, args: str) -> None:
        """List plugins; /plugins enable|disable|reload NAME."""
        await self.plugin_control.command(ctx, args)

    @button("toggle", admin=True)
    async def toggle_button(self, ctx: Context, args: str) -> None:
        await self.plugin_control.toggle(ctx, args)
        await self.plugin_control.show(ctx)

    # -- /users -----------------------------------------------------------------------------------
    @command("users", admin=True)
    async def users_command(self, ctx: Context, args: str) -> None:
        """/users find TEXT | ban ID | unban ID | promote ID | demote ID."""
        await self.people.command(ctx, args)

    # -- /broadcast -------------------------------------------------------------------------------
    @command("broadcast", admin=True)
    async def broadcast_command(self, ctx: Context, args: str) -> None:
        """Send a message to every user (asks to confirm first)."""
        await self.broadcaster.prepare(ctx, args)

    @button("bc_send", admin=True)
    async def broadcast_send(self, ctx: Context, args: str) -> None:
        if args.isdigit():
            await self.broadcaster.confirm(ctx, int(args))

    @button("bc_cancel", admin=True)
    async def broadcast_cancel(self, ctx: Context, args: str) -> None:
        if args.isdigit():
            await self.broadcaster.cancel(ctx, int(args))

    @job("broadcast_step")
    async def broadcast_step(self, *, broadcast_id: int, token: str) -> None:
        await self.broadcaster.step(broadcast_id, token)

    # -- /jobs, /audit, /health -------------------------------------------------------------------
    @command("jobs", admin=True)
    async def jobs_command(self, ctx: Context, args: str) -> None:
        """Scheduled jobs and when they run next."""
        jobs = await self.runtime.scheduler.jobs()
        await ctx.reply(format_jobs(jobs, ctx.tz, ctx.t))

    @command("audit", admin=True)
    async def audit_command(self, ctx: Context, args: str) -> None:
        """The last N entries of the audit log (default 20)."""
        limit = audit_limit(args)
        if limit is None:
            await ctx.reply(ctx.t("audit_usage"))
            return
        await ctx.reply(format_audit(await self.audit.recent(limit), ctx.tz, ctx.t))

    @command("health", admin=True)
    async def health_command(self, ctx: Context, args: str) -> None:
        """Database, scheduler, bus, plugins, uptime and version."""
        await ctx.reply(await health_report(self.runtime, ctx.t, self.started_monotonic))

    # -- /export ----------------------------------------------------------------------------------
    @command("export", admin=True)
    async def export_command(self, ctx: Context, args: str) -> None:
        """Interactions as CSV: /export [FROM [TO]] (default: last 7 days)."""
        try:
            start, end = parse_range(args, ctx.now.date())
        except DateError as exc:
            await ctx.reply(ctx.t("export_bad_date", value=exc.value))
            return
        except RangeError as exc:
            await ctx.reply(ctx.t(exc.key))
            return
        result = await export_messages(
            self.runtime.db,
            start=start,
            end=end,
            tz=ctx.tz,
            folder=self._data_folder("exports"),
            max_rows=self.options.export_max_rows,
        )
        await self.audit.record(
            ctx.user_id,
            "export.interactions",
            f"{start.isoformat()}..{end.isoformat()}",
            {"rows": result.rows, "truncated": result.truncated, "file": result.path.name},
        )
        caption = ctx.t(
            "export_caption", rows=result.rows, start=start.isoformat(), end=end.isoformat()
        )
        if result.truncated:
            caption += "\n" + ctx.t("export_truncated", limit=self.options.export_max_rows)
        await ctx.reply(caption, kind="document", file_path=str(result.path))
