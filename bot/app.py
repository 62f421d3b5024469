"""Composition root: builds storage, bus, scheduler, plugins, NLU and channels from Settings.

``Sova`` is the only object that knows every part; the parts know only the protocols they
use. Start order matters: storage first (migrations), then plugins and NLU (which read
their data), then the scheduler and bus, then channels; stop runs the other way round and
lets the bus drain in-flight messages before anything they need goes away.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.bus import Bus, MemoryBus, Subscription, create_bus
from bot.bus.base import Handler
from bot.channels import Channel
from bot.config import Settings
from bot.delivery import ReplyDelivery
from bot.dialogue import DialogueManager
from bot.events import (
    Event,
    InboundMessage,
    MessageKind,
    OutboundReply,
    TurnCompleted,
    attachment_from_json,
    utcnow,
)
from bot.experiments import Experiments
from bot.i18n import Translations
from bot.nlu import IntentCatalog, NluEngine, NluOptions
from bot.observability import Metrics, ReadinessChecks, sql_ping
from bot.pipeline import Pipeline
from bot.plugin_registry import EventRoute, PluginRegistry, build_registry
from bot.plugins import Manifest
from bot.scheduler import Scheduler
from bot.storage import (
    AuditLog,
    Database,
    DialogueStateStore,
    InteractionLog,
    ReplyLog,
    UserDirectory,
)
from models.registry import ModelRegistry

log = logging.getLogger(__name__)

# Inbound messages recorded but never finished (a crash mid-turn) are replayed on start
# when they are this recent; older ones would surprise the user more than help.
RECOVERY_WINDOW = timedelta(minutes=30)


def build_nlu(settings: Settings, catalog: IntentCatalog) -> NluEngine:
    """Train the NLU on ``catalog`` (or load it from the cache) with the configured options."""
    options = NluOptions(
        threshold=settings.nlu.threshold,
        use_embeddings=settings.nlu.use_embeddings,
        default_time=settings.nlu.default_time,
    )
    return NluEngine.build(catalog, options=options, cache_dir=settings.nlu.cache_dir)


class Sova:
    """The running assistant. ``async with Sova(settings, channels) as app: ...``"""

    def __init__(self, settings: Settings, channels: Sequence[Channel] = ()) -> None:
        self.settings = settings
        self.channels: dict[str, Channel] = {c.name: c for c in channels}
        self._db = Database(settings.storage.url, echo=settings.storage.echo)
        self._bus: Bus = create_bus(
            settings.bus.backend,
            max_pending=settings.bus.max_pending,
            concurrency=settings.bus.concurrency,
            default_timeout=settings.bus.stage_timeout_s * 4,
        )
        self._scheduler = Scheduler(
            self._db.sync_url,
            timezone=settings.app.timezone,
            misfire_grace_s=settings.scheduler.misfire_grace_s,
        )
        self.interactions = InteractionLog(self._db)
        self.replies = ReplyLog(self._db)
        self.users = UserDirectory(self._db)
        self.audit = AuditLog(self._db)
        self.states = DialogueStateStore(self._db)
        self.texts = Translations.load(Path(__file__).parent / "locales")
        self._models = ModelRegistry()
        self._experiments = Experiments()
        self.registry: PluginRegistry | None = None
        self.engine: NluEngine | None = None
        self.pipeline: Pipeline | None = None
        self.metrics = Metrics()
        self.delivery = ReplyDelivery(
            self.replies, self.channels, observe=self.metrics.observe_delivery
        )
        if isinstance(self._bus, MemoryBus):  # the only backend; others may not count
            self.metrics.track_bus(self._bus.stats)
        # /readyz: the database answers and start() has finished (False again once stop() begins).
        self.readiness = ReadinessChecks().add("database", sql_ping(self._db.engine))
        self.readiness.add("started", lambda: self._started)
        self._started = False

    # -- PluginRuntime ---------------------------------------------------------------------
    @property
    def db(self) -> Database:
        return self._db

    @property
    def bus(self) -> Bus:
        return self._bus

    @property
    def scheduler(self) -> Scheduler:
        return self._scheduler

    @property
    def default_timezone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.app.timezone)

    async def send(self, reply: OutboundReply) -> int:
        reply = await self._outgoing(reply)
        reply_id = await self.replies.record(reply)
        await self._bus.publish(replace(reply, reply_id=reply_id))
        return reply_id

    async def _outgoing(self, reply: OutboundReply) -> OutboundReply:
        """Let enabled plugins' ``@outgoing`` handlers change the reply (e.g. speak it)."""
        if self.registry is None:
            return reply
        for plugin, handler in self.registry.outgoing:
            if not self.registry.is_enabled(plugin.name):
                continue
            try:
                changed = await handler(reply)
            except Exception:
                # The reply matters more than its decoration: send it as it was.
                log.exception("outgoing handler of plugin %s failed", plugin.name)
                continue
            if isinstance(changed, OutboundReply):
                reply = changed
        return reply

    def manifests(self) -> list[Manifest]:
        return self.registry.manifests() if self.registry else []

    @property
    def models(self) -> ModelRegistry:
        return self._models

    @property
    def experiments(self) -> Experiments:
        return self._experiments

    async def download(self, message: InboundMessage) -> bytes:
        channel = self.channels.get(message.channel)
        fetch = getattr(channel, "download", None)
        if message.attachment is None or fetch is None:
            raise ValueError(f"no file to download from {message.channel!r} for this message")
        data: bytes = await fetch(message.attachment)
        return data

    async def show_action(self, channel: str, chat_id: int, action: str) -> None:
        show = getattr(self.channels.get(channel), "show_action", None)
        if show is not None:
            await show(chat_id, action)

    def plugin_registry(self) -> PluginRegistry:
        if self.registry is None:
            raise RuntimeError("plugins are not loaded yet: Sova.start() has not run")
        return self.registry

    # -- ChannelHost -----------------------------------------------------------------------
    async def submit(self, message: InboundMessage) -> None:
        await self._bus.publish(message)

    # -- lifecycle -------------------------------------------------------------------------
    async def __aenter__(self) -> Sova:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        settings = self.settings
        settings.app.data_dir.mkdir(parents=True, exist_ok=True)
        if settings.storage.auto_upgrade:
            await self._db.upgrade()
        self.registry = registry = build_registry(settings.plugins, self)
        catalog = IntentCatalog.load(registry.intent_sources())
        self.engine = engine = await asyncio.to_thread(build_nlu, settings, catalog)
        dialogue = DialogueManager(engine, catalog, self._required_slots, settings.dialogue)
        self.pipeline = Pipeline(
            settings=settings,
            registry=registry,
            engine=engine,
            dialogue=dialogue,
            interactions=self.interactions,
            users=self.users,
            states=self.states,
            audit=self.audit,
            send=self.send,
            publish=self._bus.publish,
            texts=self.texts,
            observe_turn=self.metrics.observe_turn,
        )
        for plugin in registry.plugins.values():
            await plugin.setup()
        self._wire_bus(registry)
        started_at = utcnow()
        await self._bus.start()
        for channel in self.channels.values():
            await channel.start(self)
        self._started = True
        # Before anything new is said: replies recorded by an earlier run but never delivered,
        # then messages that run recorded but never finished.
        resent = await self.delivery.resend_undelivered(recorded_before=started_at)
        replayed = await self._replay_unfinished()
        # Jobs last: ones that came due while Sova was down fire now, into a running bus.
        for route in registry.jobs:
            self._scheduler.register(route.name, route.handler)
        await self._scheduler.start()
        for route in registry.jobs:
            if route.cron or route.interval_s:
                await self._scheduler.add_cron(
                    route.name, job_id=route.name, cron=route.cron, interval_s=route.interval_s
                )
        for plugin in registry.plugins.values():
            await plugin.started()
        log.info(
            "Sova started: %d plugins, storage %s, %d replies resent, %d messages replayed",
            len(registry.plugins), self._db.url_for_logs, resent, replayed,
        )  # fmt: skip

    async def stop(self) -> None:
        if not self._started:
            await self._db.dispose()
            return
        self._started = False
        # Jobs first: a reminder firing now still publishes its reply into the open bus;
        # unfired jobs stay stored and run on the next start.
        await self._scheduler.stop()
        for channel in self.channels.values():
            await channel.stop_receiving()
        await self._bus.stop(self.settings.bus.drain_timeout_s)
        for channel in self.channels.values():
            await channel.stop()
        if self.registry:
            for plugin in reversed(list(self.registry.plugins.values())):
                await plugin.teardown()
        await self._models.close()
        await self._db.dispose()

    # -- wiring ------------------------------------------------------------------------------
    def _wire_bus(self, registry: PluginRegistry) -> None:
        assert self.pipeline is not None
        bus = self._bus
        bus.set_error_hook(self._on_handler_error)
        bus.subscribe(InboundMessage.topic, self.pipeline.handle, group="pipeline")
        bus.subscribe(OutboundReply.topic, self.delivery.handle, group="delivery")
        bus.subscribe(TurnCompleted.topic, self._notify_channels, group="channels")
        for route in registry.events:
            bus.subscribe(
                route.event_type.topic,
                self._plugin_event_handler(route),
                group=f"plugin.{route.plugin.name}",
            )

    def _plugin_event_handler(self, route: EventRoute) -> Handler:
        async def deliver(event: Event) -> None:
            enabled = self.registry is not None and self.registry.is_enabled(route.plugin.name)
            if enabled and isinstance(event, route.event_type):
                await route.handler(event)

        return deliver

    async def _notify_channels(self, event: Event) -> None:
        for channel in self.channels.values():
            await channel.notify(event)

    async def _on_handler_error(
        self, event: Event, error: BaseException, subscription: Subscription
    ) -> None:
        self.metrics.observe_error("bus_handler")
        log.error(
            "handler %s/%s failed on %s (trace %s, chat %s): %r",
            subscription.topic, subscription.group, type(event).__name__,
            event.trace_id, event.chat_id, error,
        )  # fmt: skip
        if isinstance(event, InboundMessage):
            # The pipeline answers its own failures; reaching here means it could not
            # (storage down, a timeout of the whole turn). Still try to tell the user.
            lang = event.lang or self.settings.app.default_language
            await self.interactions.finish(
                event.trace_id, outcome="error", error=repr(error), latency_ms={}
            )
            await self.send(OutboundReply.answering(event, self.texts.t("error", lang), lang=lang))

    def _required_slots(self, intent: str) -> tuple[str, ...]:
        route = self.registry.intents.get(intent) if self.registry else None
        return route.required if route else ()

    async def _replay_unfinished(self) -> int:
        """Messages recorded but never finished (the process died mid-turn) are processed
        again, if recent; the pipeline recognises them by their event id."""
        count = 0
        cutoff = utcnow() - RECOVERY_WINDOW
        for record in await self.interactions.unfinished(older_than=timedelta(0)):
            if record.created_at < cutoff or record.channel not in self.channels:
                continue
            message = InboundMessage(
                chat_id=record.chat_id,
                user_id=record.user_id,
                lang=record.lang,
                trace_id=record.trace_id,
                event_id=record.event_id,
                ts=record.created_at,
                channel=record.channel,
                kind=MessageKind(record.kind),
                text=record.text,
                attachment=attachment_from_json(record.attachment),
                external_update_id=record.external_update_id,
            )
            await self._bus.publish(message)
            count += 1
        return count
