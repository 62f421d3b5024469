"""Question answering over a knowledge base: documents → passages → retrieval → answer.

Anyone asks ("how do I set a reminder?", "когда основана компания?") — through the
``ask_question`` intent, ``/ask <question>``, or the fallback chain, where this plugin goes
before smalltalk and steps aside unless it has a confident answer. The answer is a short
span or sentence with its source, confidence and buttons (👍 👎 More); below the threshold
Sova says the documents hold no answer (``plugins/qa/answering.py``).

Administrators curate the documents with ``/kb`` (``plugins/qa/kb_commands.py``): any
document an administrator sends is added. At start the plugin loads the index from SQL
(no re-embedding) and then, in the background, indexes Sova's own docs and the configured
folders: unchanged files are skipped by content hash.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Sequence
from pathlib import Path

from bot.events import InboundMessage, MessageKind
from bot.nlu import detect_language
from bot.plugins import Context, Plugin, TurnRejected, button, command, fallback, intent, pre_stage
from bot.uploads import extension_of
from plugins.qa.answering import Answerer, AnsweringOptions
from plugins.qa.background import BackgroundTasks
from plugins.qa.config import QaConfig
from plugins.qa.extract import SUPPORTED_EXTENSIONS, detect_format
from plugins.qa.feedback import AnswerFeedback
from plugins.qa.kb_commands import KnowledgeBaseCommands
from plugins.qa.knowledge_base import KnowledgeBase
from plugins.qa.reading import Reader, register_reader
from plugins.qa.replies import answer_buttons, answer_text, dont_know_text, more_text, parse_ids
from plugins.qa.sources import Sources

log = logging.getLogger(__name__)

ASK_INTENT = "ask_question"
FALLBACK_PRIORITY = 50
"""Before smalltalk's catch-all (100): a confident answer beats "did you mean"."""
UPLOAD_COMMAND = "/kb add"
SUGGESTION_FLOOR = 0.15
"""Runner-up intents this likely are smalltalk's "did you mean" material: leave them to it."""


class QuestionAnswering(Plugin):
    name = "qa"
    config_model = QaConfig

    @property
    def options(self) -> QaConfig:
        config = self.config
        assert isinstance(config, QaConfig)
        return config

    async def setup(self) -> None:
        options = self.options
        self.kb = KnowledgeBase(
            self.runtime.db,
            options=options.ingest_options(),
            lexical_weight=options.lexical_weight,
        )
        self.reader: Reader | None = None
        if options.use_reader:
            checkpoint = options.reader_model
            if checkpoint:
                checkpoint = str(self.runtime.settings.data_path(Path(checkpoint)))
            register_reader(self.runtime.models, checkpoint)
            self.reader = Reader(self.runtime.models)
        self.answerer = Answerer(
            self.kb,
            self.reader,
            AnsweringOptions(
                top_k=options.top_k,
                answer_threshold=options.answer_threshold,
                reader_threshold=options.reader_threshold,
            ),
        )
        self.sources = Sources(
            self.kb,
            builtin_docs=options.builtin_docs,
            folders=[self.runtime.settings.data_path(Path(f)) for f in options.folders],
        )
        self.feedback = AnswerFeedback(self.runtime.db)
        self.tasks = BackgroundTasks()
        self.commands = KnowledgeBaseCommands(
            self.kb,
            self.sources,
            self.runtime,
            self.tasks,
            max_bytes=options.ingest_options().max_bytes,
        )
        self._sync: asyncio.Task[None] | None = None
        # Here, not in started(): a reload (/plugins reload qa) runs teardown and setup only.
        await self.kb.load()

    async def started(self) -> None:
        self._sync = asyncio.create_task(self._sync_sources(), name="qa.sync")

    async def teardown(self) -> None:
        await self.tasks.cancel_all()
        if self.reader is not None:
            await self.reader.close()
        if self._sync is not None:
            self._sync.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sync

    async def synced(self) -> None:
        """Until the start-up indexing of the docs and folders has finished (for tests and
        tools; questions are answered meanwhile from what is already indexed)."""
        if self._sync is not None:
            await asyncio.shield(self._sync)

    async def _sync_sources(self) -> None:
        try:
            await self.sources.sync()
        except Exception:
            log.exception("knowledge base: indexing the configured documents failed")

    # -- questions ----------------------------------------------------------------------
    @intent(ASK_INTENT)
    async def ask_question(self, ctx: Context) -> None:
        await self._answer(ctx, ctx.message.text, always=True)

    @command("ask")
    async def ask_command(self, ctx: Context, args: str) -> None:
        """Ask the knowledge base: /ask how do I set a reminder?"""
        if not args.strip():
            await ctx.reply(ctx.t("ask_usage"), speakable=False)
            return
        # A command keeps the user's language; the answer should be in the question's.
        ctx.lang = detect_language(args, default=ctx.lang)
        await self._answer(ctx, args, always=True)

    @fallback(priority=FALLBACK_PRIORITY)
    async def answer_if_known(self, ctx: Context) -> bool:
        """A message the NLU could not place is answered when the documents hold the answer.
        When they do not, a question ("who painted the Mona Lisa?") still gets "don't know";
        anything else goes on to the next fallback."""
        question = is_a_question(ctx.message.text, ctx.alternatives)
        return await self._answer(ctx, ctx.message.text, always=question)

    async def _answer(self, ctx: Context, question: str, *, always: bool) -> bool:
        """Answer ``question``; with ``always`` say "don't know" when there is no answer,
        else return False and say nothing."""
        async with ctx.busy("typing"):
            outcome = await self.answerer.answer(question.strip(), ctx.lang)
        found = outcome.answer
        log.info(
            "qa: evidence %.3f, %s",
            outcome.evidence_score,
            f"{found.method} {found.confidence:.2f} from passage {found.hit.passage_id}"
            if found
            else "no answer",
        )
        if found is None:
            if always:
                await ctx.reply(dont_know_text(ctx))
            return always
        await ctx.reply(answer_text(ctx, found), buttons=answer_buttons(ctx, found))
        return True

    # -- buttons --------------------------------------------------------------------------
    @button("up")
    async def thumbs_up(self, ctx: Context, args: str) -> None:
        await self._rate(ctx, args, 1.0)

    @button("down")
    async def thumbs_down(self, ctx: Context, args: str) -> None:
        await self._rate(ctx, args, -1.0)

    async def _rate(self, ctx: Context, trace_id: str, value: float) -> None:
        feedback = await self.feedback.rate(
            trace_id=trace_id.strip(), chat_id=ctx.chat_id, user_id=ctx.user_id, value=value
        )
        if feedback is not None:
            await self.runtime.bus.publish(feedback)
        await ctx.reply(ctx.t("thanks_up" if value > 0 else "thanks_down"), speakable=False)

    @button("more")
    async def more(self, ctx: Context, args: str) -> None:
        passages = await self.kb.passages(parse_ids(args))
        await ctx.reply(more_text(ctx, passages), speakable=False)

    # -- the knowledge base -----------------------------------------------------------------
    @command("kb", admin=True)
    async def kb_command(self, ctx: Context, args: str) -> None:
        """The knowledge base: /kb list | remove <id> | reindex | add (then send a document)."""
        await self.commands.run(ctx, args)

    @pre_stage("kb_upload")
    async def route_upload(self, ctx: Context) -> InboundMessage | None:
        """A text document (txt, md, html, pdf, docx) from an administrator, or any document
        captioned /kb, is an upload (``/kb add``); from anyone else it gets a clear refusal
        unless its caption asks something else. Other files (a CSV for a forecast) are left to
        the plugins that take them."""
        message = ctx.message
        if message.kind is not MessageKind.DOCUMENT or message.attachment is None:
            return None
        caption = message.text.strip()
        for_kb = caption.lower().startswith("/kb")
        name = message.attachment.file_name or ""
        # A named file the knowledge base cannot read (a .csv for a forecast) is not taken on
        # its MIME type: phones often send CSV files as text/plain.
        foreign = bool(extension_of(name)) and extension_of(name) not in SUPPORTED_EXTENSIONS
        readable = None if foreign else detect_format(name, message.attachment.mime_type)
        if not for_kb and (readable is None or (caption and not ctx.is_admin)):
            return None
        if ctx.is_admin:
            return dataclasses.replace(message, text=UPLOAD_COMMAND)
        raise TurnRejected(ctx.t("upload_admins_only"))


def is_a_question(text: str, alternatives: Sequence[tuple[str, float]]) -> bool:
    """The NLU's best guess was a question, or the text asks one ("…?") and no other intent
    came close (then "did you mean ..." helps more than "I don't know")."""
    if alternatives and alternatives[0][0] == ASK_INTENT:
        return True
    others = [name for name, p in alternatives if p >= SUGGESTION_FLOOR and name != ASK_INTENT]
    return text.rstrip().endswith("?") and not others
