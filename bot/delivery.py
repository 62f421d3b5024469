"""Delivers recorded replies to their channel and records the delivery status.

Every reply is written to the ``replies`` table (pending) before it is published, so a
reply whose delivery failed — or that was in flight when the process stopped — is resent
on the next start (``resend_undelivered``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from bot.channels import Channel
from bot.events import Event, OutboundReply
from bot.storage import ReplyLog, to_reply

log = logging.getLogger(__name__)


class ReplyDelivery:
    def __init__(
        self,
        replies: ReplyLog,
        channels: Mapping[str, Channel],
        *,
        observe: Callable[[str, bool], None] | None = None,
    ) -> None:
        self.replies = replies
        self.channels = channels
        self._observe = observe or (lambda channel, ok: None)

    async def handle(self, event: Event) -> None:
        """Bus handler for ``reply.out``."""
        if not isinstance(event, OutboundReply):
            return
        channel = self.channels.get(event.channel)
        if channel is None:
            # Left pending: it is resent when that channel runs again.
            log.warning("no running channel %r for reply %s", event.channel, event.reply_id)
            return
        try:
            external_id = await channel.deliver(event)
        except Exception as exc:
            log.warning("delivery of reply %s failed: %s", event.reply_id, exc)
            self._observe(event.channel, False)
            if event.reply_id is not None:
                await self.replies.mark_failed(event.reply_id, f"{type(exc).__name__}: {exc}")
            raise
        self._observe(event.channel, True)
        if event.reply_id is not None:
            await self.replies.mark_sent(event.reply_id, external_id)

    async def resend_undelivered(self, *, recorded_before: datetime, limit: int = 1000) -> int:
        """Deliver replies recorded before ``recorded_before`` (by an earlier run) but never
        delivered, oldest first. Newer pending replies are this run's, already on the bus."""
        count = 0
        for record in await self.replies.undelivered(limit=limit):
            if record.channel not in self.channels or record.created_at >= recorded_before:
                continue
            try:
                await self.handle(to_reply(record))
            except Exception:
                log.warning("resend of reply %s via %s failed again", record.id, record.channel)
                continue
            count += 1
        return count
