"""``/kb``: the administrators' view of the knowledge base — add, list, remove, reindex.

A document an administrator sends to the chat is ``/kb add`` (the plugin's pre-stage turns
it into that command, so it is checked and audited like any admin command). Uploads and
re-indexing run in the background with a progress message (``plugins/qa/background.py``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.events import Attachment
from bot.plugins import Context, PluginRuntime
from plugins.qa.background import BackgroundTasks, ThrottledProgress, percent
from plugins.qa.extract import check_size
from plugins.qa.ingest import REPO_ROOT, upload_source
from plugins.qa.knowledge_base import KnowledgeBase
from plugins.qa.records import AddResult, AddStatus, KnowledgeDocument
from plugins.qa.refusal import DocumentRefused
from plugins.qa.replies import TITLE_CHARS, clip
from plugins.qa.sources import Sources

log = logging.getLogger(__name__)

MAX_LISTED = 50
"""Longer lists are cut (a Telegram message holds 4096 characters)."""
DEFAULT_FILE_NAME = "document"
"""For a file sent without a name: no extension, so its MIME type tells the format."""


class KnowledgeBaseCommands:
    def __init__(
        self,
        kb: KnowledgeBase,
        sources: Sources,
        runtime: PluginRuntime,
        tasks: BackgroundTasks,
        *,
        max_bytes: int,
    ) -> None:
        self.kb = kb
        self.sources = sources
        self.runtime = runtime
        self.tasks = tasks
        self.max_bytes = max_bytes

    async def run(self, ctx: Context, args: str) -> None:
        action, _, rest = args.strip().partition(" ")
        match action.lower():
            case "list" | "ls":
                await self.list(ctx)
            case "remove" | "rm" | "delete":
                await self.remove(ctx, rest.strip())
            case "reindex":
                await self.reindex(ctx, force=rest.strip().lower() == "force")
            case "add":
                await self.add(ctx)
            case _:
                await ctx.reply(ctx.t("kb_usage"), speakable=False)

    # -- list / remove --------------------------------------------------------------------
    async def list(self, ctx: Context) -> None:
        documents = await self.kb.documents()
        if not documents:
            await ctx.reply(ctx.t("kb_empty"), speakable=False)
            return
        lines = [ctx.t("kb_list_header", count=len(documents))]
        lines += [_document_line(ctx, d) for d in documents[:MAX_LISTED]]
        if len(documents) > MAX_LISTED:
            lines.append(ctx.t("kb_list_more", count=len(documents) - MAX_LISTED))
        await ctx.reply("\n".join(lines), speakable=False)

    async def remove(self, ctx: Context, arg: str) -> None:
        if not arg.lstrip("#").isdigit():
            await ctx.reply(ctx.t("kb_remove_usage"), speakable=False)
            return
        removed = await self.kb.remove(int(arg.lstrip("#")))
        if removed is None:
            await ctx.reply(ctx.t("kb_remove_unknown", id=arg.lstrip("#")), speakable=False)
            return
        await ctx.reply(
            ctx.t(
                "kb_removed",
                id=removed.id,
                title=clip(removed.title, TITLE_CHARS),
                passages=removed.n_passages,
            ),
            speakable=False,
        )

    # -- reindex ----------------------------------------------------------------------------
    async def reindex(self, ctx: Context, *, force: bool) -> None:
        if self.sources.busy:
            await ctx.reply(ctx.t("kb_reindex_waiting"), speakable=False)
        progress = await ctx.progress(ctx.t("kb_reindexing"))
        report = ThrottledProgress(
            progress, lambda done, total: ctx.t("kb_reindexing_files", done=done, total=total)
        )

        async def work() -> None:
            try:
                result = await self.sources.sync(progress=report, force=force)
            except Exception:
                log.exception("knowledge base: /kb reindex failed")
                await ctx.reply(ctx.t("kb_reindex_failed"), speakable=False)
                return
            await ctx.reply(
                ctx.t(
                    "kb_reindexed",
                    added=len(result.added),
                    replaced=len(result.replaced),
                    unchanged=len(result.unchanged),
                    removed=len(result.removed),
                    refused=len(result.refused),
                ),
                speakable=False,
            )

        self.tasks.start(work(), name="qa.reindex")

    # -- add --------------------------------------------------------------------------------
    async def add(self, ctx: Context) -> None:
        attachment = ctx.message.attachment
        if attachment is None:
            await ctx.reply(ctx.t("kb_add_usage"), speakable=False)
            return
        name = Path(attachment.file_name or DEFAULT_FILE_NAME).name
        try:
            if attachment.size is not None:
                check_size(attachment.size, self.max_bytes)  # before downloading it
        except DocumentRefused as refusal:
            await ctx.reply(refusal_text(ctx, refusal), speakable=False)
            return
        progress = await ctx.progress(ctx.t("kb_indexing", name=name))
        report = ThrottledProgress(
            progress,
            lambda done, total: ctx.t(
                "kb_indexing_percent", name=name, percent=percent(done, total)
            ),
        )

        async def work() -> None:
            await self._index_upload(ctx, attachment, name, report)

        self.tasks.start(work(), name=f"qa.upload:{name}")

    async def _index_upload(
        self, ctx: Context, attachment: Attachment, name: str, report: ThrottledProgress
    ) -> None:
        try:
            data = await self.runtime.download(ctx.message)
            result = await self.kb.add(
                data,
                filename=name,
                source=upload_source(name, ctx.user_id),
                mime=attachment.mime_type,
                progress=report,
            )
        except DocumentRefused as refusal:
            log.info("knowledge base: upload %s refused: %s", name, refusal.message)
            await ctx.reply(refusal_text(ctx, refusal), speakable=False)
            return
        except Exception:
            log.exception("knowledge base: indexing the upload %s failed", name)
            await ctx.reply(ctx.t("kb_add_failed", name=name), speakable=False)
            return
        await ctx.reply(added_text(ctx, result), speakable=False)


def refusal_text(ctx: Context, refusal: DocumentRefused) -> str:
    return ctx.t(f"refused.{refusal.code.value}", **refusal.values)


def added_text(ctx: Context, result: AddResult) -> str:
    document = result.document
    key = {
        AddStatus.ADDED: "kb_added",
        AddStatus.REPLACED: "kb_replaced",
        AddStatus.UNCHANGED: "kb_duplicate",
    }[result.status]
    return ctx.t(
        key,
        id=document.id,
        title=clip(document.title, TITLE_CHARS),
        passages=document.n_passages,
    )


def source_label(source: str) -> str:
    """A document's source, short: a file under the repository relative to it."""
    path = Path(source)
    if path.is_absolute():
        return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)
    return source


def _document_line(ctx: Context, document: KnowledgeDocument) -> str:
    return ctx.t(
        "kb_list_item",
        id=document.id,
        title=clip(document.title, TITLE_CHARS),
        passages=document.n_passages,
        source=source_label(document.source),
        date=document.updated_at.astimezone(ctx.tz).strftime("%Y-%m-%d"),
    )
