"""The Telegram channel: aiogram 3 against Telegram, the local emulator or a self-hosted
Bot API server (``api_url``), in polling or webhook mode.

In: updates (``telegram_polling`` / ``telegram_webhook``) → ``telegram_updates.to_inbound``
→ inbound flood control (``telegram_flood``) → ``host.submit``. Button presses are answered
(answerCallbackQuery) at once so the button stops spinning.
Out: ``deliver`` → ``telegram_send`` (text splitting, HTML, buttons, files, edits) under the
rate limits of ``ratelimit`` with the retries of ``telegram_retry``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Sequence
from typing import Literal, Protocol, runtime_checkable

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramUnauthorizedError
from aiogram.types import BotCommand, Update

from bot.channels.base import ChannelHost
from bot.channels.ratelimit import OutgoingLimiter, RateLimits
from bot.channels.telegram_flood import FLOOD_NOTICE, FloodGate
from bot.channels.telegram_polling import UpdatePoller
from bot.channels.telegram_retry import DeliveryStats, RetryPolicy, call_with_retry
from bot.channels.telegram_send import ReplySender
from bot.channels.telegram_updates import BotIdentity, to_inbound
from bot.channels.telegram_webhook import WebhookOptions, WebhookServer
from bot.events import Attachment, Event, InboundMessage, OutboundReply

log = logging.getLogger(__name__)

CHANNEL_NAME = "telegram"
ALLOWED_UPDATES = ("message", "callback_query")


@runtime_checkable
class ReplySink(Protocol):
    """A host that records and publishes replies (``Sova.send``): the normal delivery path."""

    async def send(self, reply: OutboundReply) -> int: ...


class TelegramChannel:
    name = CHANNEL_NAME

    def __init__(
        self,
        token: str,
        *,
        api_url: str = "https://api.telegram.org",
        mode: Literal["polling", "webhook"] = "polling",
        webhook: WebhookOptions | None = None,
        commands: Sequence[tuple[str, str]] = (),
        limits: RateLimits | None = None,
        retry: RetryPolicy | None = None,
        flood_limit: int = 20,
        flood_window_s: float = 60.0,
        default_lang: str = "en",
        polling_timeout_s: int = 25,
        local_files: bool = False,
    ) -> None:
        """``local_files``: ``api_url`` is a self-hosted Bot API server run with ``--local``
        on this machine, whose getFile answers are paths on disk rather than URLs."""
        if mode not in ("polling", "webhook"):
            raise ValueError(f"unknown Telegram mode {mode!r}; use 'polling' or 'webhook'")
        api = TelegramAPIServer.from_base(api_url, is_local=local_files)
        session = AiohttpSession(api=api)
        self.bot = Bot(token=token, session=session)
        self.mode = mode
        self.commands = tuple(commands)
        self.default_lang = default_lang
        self.stats = DeliveryStats()
        self.retry = retry or RetryPolicy()
        self.limiter = OutgoingLimiter(limits)
        self._sender = ReplySender(self.bot, self.limiter, policy=self.retry, stats=self.stats)
        self._gate = FloodGate(
            self._submit, self._flood_notice, limit=flood_limit, window_s=flood_window_s
        )
        self._poller: UpdatePoller | None = None
        self._webhook: WebhookServer | None = None
        if mode == "polling":
            self._poller = UpdatePoller(
                self.bot,
                self.handle_update,
                allowed_updates=ALLOWED_UPDATES,
                timeout_s=polling_timeout_s,
            )
        else:
            self._webhook = WebhookServer(
                self.bot,
                self.handle_update,
                webhook or WebhookOptions(),
                allowed_updates=ALLOWED_UPDATES,
            )
        self._host: ChannelHost | None = None
        self._me: BotIdentity | None = None

    @property
    def webhook(self) -> WebhookServer | None:
        """The webhook server (its ``port``, ``url``, ``secret_token``) in webhook mode."""
        return self._webhook

    # -- Channel ---------------------------------------------------------------------------
    async def start(self, host: ChannelHost) -> None:
        self._host = host
        try:
            await self._identity()
        except TelegramUnauthorizedError as exc:
            raise RuntimeError(
                "Telegram rejected the bot token (401); check SOVA_TELEGRAM__TOKEN"
            ) from exc
        except Exception as exc:
            # Telegram unreachable: start anyway, updates are fetched once it is back.
            log.warning("getMe failed (%s); will retry when updates arrive", exc)
        if self._poller is not None:
            # A webhook left from webhook mode would make every getUpdates fail with 409.
            await self._optional("deleteWebhook", self.bot.delete_webhook())
            self._poller.start()
        if self._webhook is not None:
            await self._webhook.start()
        if self.commands:
            menu = [BotCommand(command=c.lstrip("/"), description=d) for c, d in self.commands]
            await self._optional("setMyCommands", self.bot.set_my_commands(menu))

    async def stop_receiving(self) -> None:
        """No new updates; messages held by flood control are handed on now."""
        if self._poller is not None:
            await self._poller.stop()
        if self._webhook is not None:
            await self._webhook.stop()
        if self._host is not None:
            await self._gate.flush()

    async def stop(self) -> None:
        await self.stop_receiving()
        await self._gate.close()
        await self.bot.session.close()
        self._host = None

    async def deliver(self, reply: OutboundReply) -> str | None:
        return await self._sender.deliver(reply)

    async def notify(self, event: Event) -> None:
        return None  # Telegram needs no end-of-turn signal

    # -- receiving -------------------------------------------------------------------------
    async def handle_update(self, update: Update) -> None:
        """One update from polling or the webhook. Raises only when handing it on failed, so
        the update is not confirmed and comes again."""
        me = await self._identity()
        try:
            message = to_inbound(update, me, channel=CHANNEL_NAME)
        except Exception:
            # A bug of ours in reading this update: retrying it would fail forever.
            log.exception("could not read update %s; skipped", update.update_id)
            return
        if update.callback_query is not None:
            await self._optional(
                "answerCallbackQuery", self.bot.answer_callback_query(update.callback_query.id)
            )
        if message is not None:
            await self._gate.offer(message)

    async def download(self, attachment: Attachment) -> bytes:
        """The bytes of a file a user sent (voice, audio, photo, document)."""
        file = await call_with_retry(
            lambda: self.bot.get_file(attachment.ref),
            what=f"getFile {attachment.ref}",
            policy=self.retry,
            stats=self.stats,
        )
        if file.file_path is None:
            raise FileNotFoundError(f"Telegram has no downloadable file for {attachment.ref}")
        file_path = file.file_path
        data = await call_with_retry(
            lambda: self.bot.download_file(file_path),
            what=f"download {file_path}",
            policy=self.retry,
            stats=self.stats,
        )
        if data is None:
            raise FileNotFoundError(f"download of {attachment.ref} returned nothing")
        return data.read()

    async def show_action(self, chat_id: int, action: str) -> None:
        """Show "typing…", "recording voice…" under the chat title for ~5 s (best effort: an action
        is a courtesy, never worth a retry or an error)."""
        try:
            await self.bot.send_chat_action(chat_id=chat_id, action=action)
        except Exception as error:  # see docstring
            log.debug("chat action %s for %s failed: %s", action, chat_id, error)

    # -- internals -------------------------------------------------------------------------
    async def _identity(self) -> BotIdentity:
        if self._me is None:
            user = await self.bot.me()
            self._me = BotIdentity(id=user.id, username=user.username or "")
        return self._me

    async def _submit(self, message: InboundMessage) -> None:
        if self._host is None:
            raise RuntimeError("the Telegram channel is not started")
        await self._host.submit(message)

    async def _flood_notice(self, message: InboundMessage) -> None:
        lang = message.lang if message.lang in FLOOD_NOTICE else self.default_lang
        notice = OutboundReply(
            chat_id=message.chat_id,
            user_id=message.user_id,
            lang=lang,
            channel=CHANNEL_NAME,
            text=FLOOD_NOTICE.get(lang, FLOOD_NOTICE["en"]),
        )
        if isinstance(self._host, ReplySink):
            await self._host.send(notice)  # recorded, then delivered like any reply
        else:
            await self.deliver(notice)

    async def _optional(self, what: str, call: Awaitable[object]) -> None:
        """Await a call whose failure must not stop the bot: log it and carry on."""
        try:
            await call
        except Exception as exc:
            log.warning("%s failed (%s); carrying on without it", what, exc)
