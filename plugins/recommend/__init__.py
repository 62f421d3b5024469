"""Recommendations: "посоветуй фильм на вечер", "recommend me a sci-fi book like Dune".

The answer is a short list from the catalog, each item with a reason ("because you liked
…") and buttons 👍 / 👎 / "seen it"; every press is an interaction in SQL and counts at
once (the user's row is folded into the model on every request). A user with no history
is asked one question about their tastes (genre buttons) and gets the popular items of the
genres they pick. The model (EASE by default; iALS and popularity for experiments) is
retrained by a scheduled job and by ``/rec retrain``, and swapped in atomically while
requests go on (``model.py``). Administrators load catalogs and interaction histories
from CSV with ``/rec import`` (``csv_import.py``). The algorithm a user gets is read
through ``ctx.variant("recommend.algorithm", ...)``, so an A/B experiment can compare them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any

from bot.plugins import Context, Plugin, button, command, intent, job
from plugins.recommend.algorithms import ALGORITHMS
from plugins.recommend.commands import RecCommands
from plugins.recommend.config import RecommendConfig
from plugins.recommend.content import ItemEmbedder
from plugins.recommend.feedback import rate
from plugins.recommend.ranking import Request
from plugins.recommend.replies import item_name, list_buttons, list_text, taste_buttons
from plugins.recommend.service import RecommendService
from plugins.recommend.slots import read_request
from plugins.recommend.vocabulary import canonical_kind, known_genre, label

log = logging.getLogger(__name__)

RETRAIN_JOB = "recommend.retrain"
EXPERIMENT_PARAMETER = "recommend.algorithm"
TASTE_CHOICES = 8
"""Genre buttons in the onboarding question (the catalog's most common genres)."""


class Recommendations(Plugin):
    name = "recommend"
    config_model = RecommendConfig
    documents = (".csv", ".tsv")

    @property
    def options(self) -> RecommendConfig:
        config = self.config
        assert isinstance(config, RecommendConfig)
        return config

    async def setup(self) -> None:
        options = self.options
        self.service = RecommendService(
            self.runtime.db,
            options,
            algorithms=ALGORITHMS,
            embedder=ItemEmbedder() if options.content_embeddings else None,
        )
        self.commands = RecCommands(self.service, self.runtime, self._background)
        self._tasks: set[asyncio.Task[object]] = set()
        if options.demo_catalog:
            await self.service.seed_demo()
        await self.service.reload_catalog()

    async def started(self) -> None:
        await self.runtime.scheduler.add_cron(
            RETRAIN_JOB, job_id=RETRAIN_JOB, cron=self.options.retrain_cron
        )
        # Requests are answered meanwhile: by popularity and content until the first model.
        self._background(self._warm_up())

    async def teardown(self) -> None:
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def forget_user(self, user_id: int) -> None:
        """The user's presses and chosen tastes; the model forgets them at the retrain."""
        await self.service.store.forget(user_id)
        self._background(self.service.retrain())

    def _background(self, work: Coroutine[Any, Any, object]) -> None:
        task: asyncio.Task[object] = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[object]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("recommend: background work failed", exc_info=task.exception())

    async def _warm_up(self) -> None:
        await self.service.retrain()
        await self.service.embed_missing()

    async def ready(self) -> None:
        """Until the start-up training and embedding have finished (tests and tools)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- asking ------------------------------------------------------------------------------
    @intent("recommend")
    async def recommend(
        self,
        ctx: Context,
        kind: str | None = None,
        genre: str | None = None,
        like: str | None = None,
        count: float | None = None,
    ) -> None:
        catalog = self.service.catalog
        if not len(catalog):
            await ctx.reply(ctx.t("catalog_empty"))
            return
        asked = read_request(
            ctx.message.text, ctx.slots, catalog, kind=kind, genre=genre, like=like
        )
        kind, genre, liked_item = asked.kind, asked.genre, asked.like
        if kind is not None and kind not in catalog.kinds():
            kind = None  # a type this catalog lacks: better any pick than none
        genres = _genres(genre)
        if genres and not any(set(genres) & set(i.genres) for i in catalog.items):
            available = ", ".join(label(g, ctx.lang) for g in catalog.genres(kind)[:12])
            await ctx.reply(
                ctx.t("no_such_genre", genre=label(genres[0], ctx.lang), genres=available)
            )
            return
        if asked.like_text and liked_item is None:
            await ctx.reply(ctx.t("like_not_found", title=asked.like_text))
            return
        if liked_item is not None and kind is None:
            kind = liked_item.kind  # "like Dune" (the film) asks for films unless told
        wanted = self._count(count)
        request = Request(kind=kind, genres=genres, like=liked_item, count=wanted)
        if liked_item is None and not genres and await self.service.needs_onboarding(ctx.user_id):
            await self._ask_tastes(ctx, kind, wanted)
            return
        await self._answer(ctx, request)

    def _count(self, count: float | None) -> int:
        if count is None or count < 1:
            return self.options.default_count
        return min(int(count), self.options.max_count)

    async def _answer(self, ctx: Context, request: Request) -> None:
        algorithm = await ctx.variant(EXPERIMENT_PARAMETER, self.options.algorithm)
        if algorithm not in ALGORITHMS:
            log.warning("recommend: unknown algorithm %r from an experiment", algorithm)
            algorithm = self.options.algorithm
        async with ctx.busy("typing"):
            picks = await self.service.picks(ctx.user_id, request, algorithm)
        if not picks:
            await ctx.reply(ctx.t("nothing_left" if not request.genres else "nothing_in_genre"))
            return
        await ctx.reply(
            list_text(ctx, request, picks),
            buttons=list_buttons(ctx, picks, request.kind),
            speakable=False,
        )

    async def _ask_tastes(self, ctx: Context, kind: str | None, count: int) -> None:
        genres = self.service.catalog.genres(kind)[:TASTE_CHOICES]
        await ctx.reply(
            ctx.t("taste_question"), buttons=taste_buttons(ctx, genres, kind, count),
            speakable=False,
        )  # fmt: skip

    # -- buttons -----------------------------------------------------------------------------
    @button("taste")
    async def taste(self, ctx: Context, args: str) -> None:
        """An answer to the onboarding question: remember it, answer the original request."""
        genre, kind, count = _taste_args(args)
        chosen = (genre,) if genre else ()
        await self.service.store.set_tastes(ctx.user_id, chosen)
        request = Request(kind=kind, count=self._count(count))
        await self._answer(ctx, request)

    @button("like")
    async def like_pressed(self, ctx: Context, args: str) -> None:
        await self._press(ctx, args, "like")

    @button("dislike")
    async def dislike_pressed(self, ctx: Context, args: str) -> None:
        await self._press(ctx, args, "dislike")

    @button("seen")
    async def seen_pressed(self, ctx: Context, args: str) -> None:
        await self._press(ctx, args, "seen")

    async def _press(self, ctx: Context, args: str, kind: str) -> None:
        item_text, _, trace = args.partition(".")
        item = self.service.catalog.by_id.get(int(item_text)) if item_text.isdigit() else None
        if item is None:
            await ctx.reply(ctx.t("item_gone"), speakable=False)
            return
        await self.service.press(ctx.user_id, item.id, kind)
        if kind != "seen":
            feedback = await rate(
                self.runtime.db, trace_id=trace or ctx.message.trace_id, chat_id=ctx.chat_id,
                user_id=ctx.user_id, value=1.0 if kind == "like" else -1.0,
            )  # fmt: skip
            await self.runtime.bus.publish(feedback)
        await ctx.reply(
            ctx.t(f"pressed_{kind}", title=item_name(item, ctx.lang)),
            buttons=[[ctx.button(ctx.t("more_button"), "again", item.kind)]],
            speakable=False,
        )

    @button("again")
    async def again(self, ctx: Context, args: str) -> None:
        """A fresh list of the same type ("More"), with the presses so far counted."""
        kind = args.strip() or None
        await self._answer(ctx, Request(kind=kind, count=self.options.default_count))

    # -- administration ----------------------------------------------------------------------
    @command("rec")
    async def rec_command(self, ctx: Context, args: str) -> None:
        """Recommendations: /rec [film|book] | tastes; admins: import | retrain | stats"""
        sub, _, rest = args.strip().partition(" ")
        if sub.lower() == "tastes":
            await self._ask_tastes(ctx, None, self.options.default_count)
        elif sub.lower() in RecCommands.ADMIN:
            await self.commands.run(ctx, sub.lower(), rest)
        else:
            kind = canonical_kind(sub) if sub else None
            await self.recommend(ctx, kind=kind)

    @job("retrain")
    async def retrain(self) -> None:
        """Retrain the model on every interaction so far (scheduled by ``retrain_cron``)."""
        await self.service.retrain()


def _genres(genre: str | None) -> tuple[str, ...]:
    if not genre:
        return ()
    known = known_genre(genre)
    return (known or " ".join(genre.lower().split()),)


def _taste_args(args: str) -> tuple[str, str | None, float | None]:
    """The parts of a taste button's "<genre>.<kind>.<count>" (genre and kind may be empty)."""
    genre, kind, count = [*args.rsplit(".", 2), "", ""][:3]
    return genre, kind or None, float(count) if count.isdigit() else None
