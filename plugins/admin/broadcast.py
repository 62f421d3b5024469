"""/broadcast: one text to every known user, confirmed first, rate-limited, resumable.

How it survives a restart without anyone getting the text twice:
- the ``broadcasts`` row is the truth: status, a cursor (highest user id handled) and counts;
- the work is a chain of one-shot scheduler jobs, one batch each; a batch is committed
  (cursor, counts, the token of the next job) in one UPDATE, and only by the job holding the
  current token, so a second chain (start-up recovery racing a job) cannot both advance;
- every copy is recorded in ``replies`` under the trace id ``broadcast-<id>`` before it goes
  out, so a batch cut short by a crash is redone skipping those who already have it, and the
  delivery layer resends recorded-but-undelivered copies on start.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections.abc import Sequence

from bot.events import Button, OutboundReply, utcnow
from bot.plugins import Context, Plugin
from bot.storage import AuditLog
from plugins.admin.broadcast_store import (
    CANCELLED,
    DONE,
    PENDING,
    SENDING,
    Broadcast,
    BroadcastStore,
    Recipient,
)
from plugins.admin.config import AdminConfig

log = logging.getLogger(__name__)

STEP_JOB = "admin.broadcast_step"
# One batch is about this long: the job chain adds a store round-trip per batch, so batches
# much shorter would spend the time in the scheduler rather than sending.
BATCH_SECONDS = 1.0
PREVIEW_CHARS = 200


def new_token(broadcast_id: int) -> str:
    """A step's job id, which is also its claim on the broadcast (``step_token``)."""
    return f"broadcast-{broadcast_id}-{uuid.uuid4().hex[:12]}"


class Broadcaster:
    def __init__(self, plugin: Plugin, config: AdminConfig) -> None:
        self.plugin = plugin
        self.runtime = plugin.runtime
        self.config = config
        self.store = BroadcastStore(plugin.runtime.db)
        self.audit = AuditLog(plugin.runtime.db)
        self._locks: dict[int, asyncio.Lock] = {}
        self._last_progress: dict[int, float] = {}

    @property
    def batch_size(self) -> int:
        return max(1, math.ceil(self.config.broadcast_rate_per_s * BATCH_SECONDS))

    # -- the admin's side ------------------------------------------------------------------
    async def prepare(self, ctx: Context, text: str) -> None:
        """Show the text and the audience, and ask to confirm; nothing is sent yet."""
        if not text:
            await ctx.reply(ctx.t("broadcast_usage"))
            return
        total = await self.store.audience_size()
        if total == 0:
            await ctx.reply(ctx.t("broadcast_nobody"))
            return
        broadcast = await self.store.create(
            text=text,
            created_by=ctx.user_id,
            chat_id=ctx.chat_id,
            channel=ctx.message.channel,
            lang=ctx.lang,
            total=total,
        )
        buttons = [
            ctx.button(ctx.t("broadcast_send_button"), "bc_send", str(broadcast.id)),
            ctx.button(ctx.t("broadcast_cancel_button"), "bc_cancel", str(broadcast.id)),
        ]
        reply_id = await ctx.reply(
            ctx.t("broadcast_confirm", id=broadcast.id, total=total, text=text), buttons=[buttons]
        )
        # The confirmation message becomes the progress message (edited where possible).
        await self.store.set_progress_reply(broadcast.id, reply_id)

    async def confirm(self, ctx: Context, broadcast_id: int) -> None:
        total = await self.store.audience_size()
        token = new_token(broadcast_id)
        if not await self.store.move(
            broadcast_id, (PENDING,), SENDING, total=total, step_token=token
        ):
            await self._already(ctx, broadcast_id)
            return
        broadcast = await self.store.get(broadcast_id)
        assert broadcast is not None
        await self.audit.record(
            ctx.user_id,
            "broadcast.confirm",
            f"broadcast:{broadcast_id}",
            {"total": total, "text": broadcast.text[:PREVIEW_CHARS]},
        )
        await self._show(broadcast, self._progress_text(broadcast), ctx=ctx, running=True)
        await self._schedule(broadcast_id, token)

    async def cancel(self, ctx: Context, broadcast_id: int) -> None:
        if not await self.store.move(broadcast_id, (PENDING, SENDING), CANCELLED):
            await self._already(ctx, broadcast_id)
            return
        broadcast = await self.store.get(broadcast_id)
        assert broadcast is not None
        await self.audit.record(
            ctx.user_id,
            "broadcast.cancel",
            f"broadcast:{broadcast_id}",
            {"sent": broadcast.sent, "total": broadcast.total},
        )
        text = self.plugin.t(
            "broadcast_cancelled",
            broadcast.lang,
            id=broadcast.id,
            sent=broadcast.sent,
            total=broadcast.total,
        )
        await self._show(broadcast, text, ctx=ctx, running=False)

    async def _already(self, ctx: Context, broadcast_id: int) -> None:
        broadcast = await self.store.get(broadcast_id)
        if broadcast is None:
            await ctx.reply(ctx.t("broadcast_unknown", id=broadcast_id))
            return
        status = ctx.t(f"broadcast_status_{broadcast.status}")
        await ctx.reply(ctx.t("broadcast_already", id=broadcast_id, status=status))

    # -- the job chain -----------------------------------------------------------------------
    async def step(self, broadcast_id: int, token: str) -> None:
        """Send one batch, commit it, and schedule the next step (or finish)."""
        lock = self._locks.setdefault(broadcast_id, asyncio.Lock())
        async with lock:
            broadcast = await self.store.get(broadcast_id)
            if broadcast is None or broadcast.status != SENDING or broadcast.step_token != token:
                return  # cancelled, finished, or superseded by a newer chain
            batch = await self.store.recipients(
                after=broadcast.last_user_id, limit=self.batch_size
            )
            if not batch:
                await self._finish(broadcast)
                return
            sent, failed = await self._send_batch(broadcast, batch)
            next_token = new_token(broadcast_id)
            if not await self.store.advance(
                broadcast_id,
                token=token,
                next_token=next_token,
                cursor=batch[-1].user_id,
                sent=sent,
                failed=failed,
            ):
                return
            await self._schedule(broadcast_id, next_token)
            await self._maybe_report(broadcast_id)

    async def _schedule(self, broadcast_id: int, token: str) -> None:
        """Queue the step holding ``token``. If that fails (Sova is stopping: the scheduler
        stops before the bus), the row still names the token and ``resume`` on the next
        start sees that its job is missing and takes over."""
        try:
            await self.runtime.scheduler.add_at(
                utcnow(), STEP_JOB, job_id=token, broadcast_id=broadcast_id, token=token
            )
        except (RuntimeError, ValueError):
            log.warning("broadcast %s: next step not scheduled; resumes on start", broadcast_id)

    async def _send_batch(
        self, broadcast: Broadcast, batch: Sequence[Recipient]
    ) -> tuple[int, int]:
        have_it = await self.store.already_sent(broadcast, [r.user_id for r in batch])
        default_lang = self.runtime.settings.app.default_language
        pause = 1.0 / self.config.broadcast_rate_per_s
        sent = failed = 0
        for recipient in batch:
            if recipient.user_id in have_it:
                sent += 1  # recorded by a run that died before committing this batch
                continue
            reply = OutboundReply(
                chat_id=recipient.user_id,
                user_id=recipient.user_id,
                lang=recipient.lang or default_lang,
                channel=recipient.channel,
                trace_id=broadcast.trace_id,
                text=broadcast.text,
            )
            try:
                await self.runtime.send(reply)
                sent += 1
            except Exception:
                log.exception("broadcast %s: could not send to %s", broadcast.id, recipient)
                failed += 1
            await asyncio.sleep(pause)
        return sent, failed

    async def _finish(self, broadcast: Broadcast) -> None:
        # People who arrived during the sending (with a higher id) got it too.
        total = max(broadcast.total, broadcast.sent + broadcast.failed)
        if await self.store.move(broadcast.id, (SENDING,), DONE, step_token=None, total=total):
            done = await self.store.get(broadcast.id)
            assert done is not None
            text = self.plugin.t(
                "broadcast_done",
                done.lang,
                id=done.id,
                sent=done.sent,
                total=done.total,
                failed=done.failed,
            )
            await self._show(done, text, running=False)
        self._last_progress.pop(broadcast.id, None)
        self._locks.pop(broadcast.id, None)

    async def _maybe_report(self, broadcast_id: int) -> None:
        now = time.monotonic()
        last = self._last_progress.get(broadcast_id)
        if last is not None and now - last < self.config.broadcast_progress_every_s:
            return
        broadcast = await self.store.get(broadcast_id)
        if broadcast is not None and broadcast.status == SENDING:
            await self._show(broadcast, self._progress_text(broadcast), running=True)

    def _progress_text(self, broadcast: Broadcast) -> str:
        return self.plugin.t(
            "broadcast_progress",
            broadcast.lang,
            id=broadcast.id,
            sent=broadcast.sent,
            total=broadcast.total,
            failed=broadcast.failed,
        )

    async def _show(
        self, broadcast: Broadcast, text: str, *, ctx: Context | None = None, running: bool
    ) -> None:
        """Update the admin's progress message: an edit where the channel gave the message an
        id, otherwise (terminal, or not delivered yet) a new message that becomes it."""
        self._last_progress[broadcast.id] = time.monotonic()
        edit_id = None
        if broadcast.progress_reply_id is not None:
            edit_id = await self.store.external_message_id(broadcast.progress_reply_id)
        buttons: tuple[tuple[Button, ...], ...] = ()
        if running:
            stop = self.plugin.t("broadcast_stop_button", broadcast.lang)
            data = f"{self.plugin.name}.bc_cancel:{broadcast.id}"
            buttons = ((Button(text=stop, data=data),),)
        if ctx is not None:
            reply = OutboundReply.answering(
                ctx.message, text, lang=broadcast.lang, buttons=buttons,
                edit_external_message_id=edit_id,
            )  # fmt: skip
        else:
            reply = OutboundReply(
                chat_id=broadcast.chat_id, user_id=broadcast.created_by, lang=broadcast.lang,
                channel=broadcast.channel, text=text, buttons=buttons,
                edit_external_message_id=edit_id,
            )  # fmt: skip
        reply_id = await self.runtime.send(reply)
        if ctx is not None:
            ctx.sent.append(reply_id)  # counted as this turn's reply, like ctx.reply does
        if edit_id is None:
            await self.store.set_progress_reply(broadcast.id, reply_id)

    # -- start-up recovery -------------------------------------------------------------------
    async def resume(self) -> int:
        """Restart the chain of every sending broadcast whose next job is missing (the process
        died between committing a batch and scheduling the next one). Returns how many."""
        scheduled = {j.id for j in await self.runtime.scheduler.jobs() if j.job == STEP_JOB}
        resumed = 0
        for broadcast in await self.store.sending():
            if broadcast.step_token in scheduled:
                continue  # its job is stored and runs (or already ran) on its own
            token = new_token(broadcast.id)
            if await self.store.take_over(
                broadcast.id, old_token=broadcast.step_token, new_token=token
            ):
                await self._schedule(broadcast.id, token)
                resumed += 1
        return resumed
