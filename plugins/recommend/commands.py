"""``/rec import | retrain | stats``: the administrators' side of the recommender.

``/rec`` itself is open to everyone (it recommends), so these subcommands check the role
themselves and write the audit log as the runtime does for admin-only commands: a refusal
as ``command.denied``, an accepted command as ``command``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar

from bot.plugins import Context, PluginRuntime
from bot.storage import AuditLog
from plugins.recommend.csv_import import ImportProblem
from plugins.recommend.model import Snapshot
from plugins.recommend.service import RecommendService

log = logging.getLogger(__name__)

Background = Callable[[Coroutine[Any, Any, object]], None]
ACCEPTED_EXTENSIONS = (".csv", ".tsv", ".txt")


class RecCommands:
    ADMIN: ClassVar[tuple[str, ...]] = ("import", "retrain", "stats")

    def __init__(
        self, service: RecommendService, runtime: PluginRuntime, background: Background
    ) -> None:
        self.service = service
        self.runtime = runtime
        self.background = background

    async def run(self, ctx: Context, sub: str, rest: str) -> None:
        audit = AuditLog(ctx.db)
        target = f"/rec {sub}"
        if not ctx.is_admin:
            await audit.record(ctx.user_id, "command.denied", target, {"args": rest})
            await ctx.reply(ctx.t("admins_only", command=target))
            return
        await audit.record(ctx.user_id, "command", target, {"args": rest})
        if sub == "import":
            await self.import_file(ctx)
        elif sub == "retrain":
            await self.retrain(ctx)
        else:
            await self.stats(ctx)

    async def import_file(self, ctx: Context) -> None:
        upload = await ctx.document()
        if upload is None:
            await ctx.reply(ctx.t("import_send_file"), speakable=False)
            return
        if upload.extension not in ACCEPTED_EXTENSIONS:
            await ctx.reply(ctx.t("import_not_csv", name=upload.file_name), speakable=False)
            return
        limit = self.service.config.max_import_mb
        if len(upload.data) > limit * 2**20:
            await ctx.reply(ctx.t("import_too_big", limit=f"{limit:g}"), speakable=False)
            return
        try:
            async with ctx.busy("typing"):
                result = await self.service.import_file(upload.data)
        except ImportProblem as problem:
            await ctx.reply(ctx.t(problem.key, **problem.values), speakable=False)
            return
        if result.kind == "catalog":
            text = ctx.t("imported_catalog", added=result.added, updated=result.updated,
                         total=len(self.service.catalog))  # fmt: skip
            self.background(self._after_catalog_import())
        else:
            text = ctx.t("imported_history", added=result.added, users=result.users,
                         skipped=result.updated)  # fmt: skip
            self.background(self.service.retrain())
        await ctx.reply(text, speakable=False)

    async def _after_catalog_import(self) -> None:
        # New items become model columns at the retrain; until then (and until they have
        # interactions) content similarity brings them to users, once embedded.
        await self.service.retrain()
        await self.service.embed_missing()

    async def retrain(self, ctx: Context) -> None:
        async with ctx.busy("typing"):
            snapshot = await self.service.retrain()
        await ctx.reply(
            ctx.t("retrained", version=snapshot.version, interactions=snapshot.n_interactions,
                  users=snapshot.n_users, items=len(snapshot.item_ids),
                  seconds=f"{snapshot.train_seconds:.2f}",
                  models=", ".join(snapshot.models) or "—"),
            speakable=False,
        )  # fmt: skip

    async def stats(self, ctx: Context) -> None:
        interactions, users = await self.service.store.counts()
        snapshot = self.service.snapshot
        catalog = self.service.catalog
        await ctx.reply(
            ctx.t("stats", items=len(catalog), kinds=", ".join(catalog.kinds()) or "—",
                  interactions=interactions, users=users, version=snapshot.version,
                  trained=snapshot.trained_at.strftime("%Y-%m-%d %H:%M UTC")
                  if snapshot.trained_at else "—",
                  algorithm=self.service.config.algorithm)
            + self._blend_line(ctx, snapshot),
            speakable=False,
        )  # fmt: skip

    def _blend_line(self, ctx: Context, snapshot: Snapshot) -> str:
        """How the default algorithm's scores are blended, and whether that was measured."""
        choice = snapshot.choices.get(self.service.config.algorithm)
        if choice is None:
            return ""
        blend = choice.blend
        key = "stats_blend_tuned" if choice.cases else "stats_blend"
        return "\n" + ctx.t(
            key, half_life=f"{blend.half_life:g}", weight=f"{blend.trend_weight:g}",
            window=f"{blend.trend_window * 100:g}", cases=choice.cases,
            ndcg=f"{choice.ndcg:.3f}", configured=f"{choice.default_ndcg:.3f}",
        )  # fmt: skip
