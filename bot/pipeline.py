"""The path of one inbound message: record → user → (transcribe) → NLU → dialogue → handler.

Each stage is timed (``messages.latency_ms``) and bounded by the stage timeout. Whatever
happens inside, the message ends with an outcome in the interaction log, the user gets an
answer in their language, and a ``TurnCompleted`` event tells channels the turn is over.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.dialogue import DialogueState
from bot.dialogue.manager import (
    Ask,
    Cancelled,
    DialogueManager,
    Dispatch,
    Fallback,
    GaveUp,
    NothingToCancel,
    Outcome,
)
from bot.events import Event, InboundMessage, MessageKind, OutboundReply, TurnCompleted
from bot.i18n import Translations
from bot.nlu import NluEngine, NluResult, detect_language
from bot.observability import log_context
from bot.plugin_registry import PluginRegistry
from bot.plugins import Context, Plugin, TurnRejected
from bot.storage import (
    AuditLog,
    DialogueStateStore,
    InteractionLog,
    UserDirectory,
    UserRecord,
)
from bot.uploads import extension_of

log = logging.getLogger(__name__)

Send = Callable[[OutboundReply], Awaitable[int]]
Publish = Callable[[Event], Awaitable[None]]


class StageTimeout(TimeoutError):
    def __init__(self, stage: str) -> None:
        super().__init__(f"stage {stage!r} timed out")
        self.stage = stage


@dataclass(slots=True)
class StageClock:
    timeout_s: float
    latency_ms: dict[str, float] = field(default_factory=dict)

    @asynccontextmanager
    async def stage(self, name: str) -> AsyncIterator[None]:
        start = time.perf_counter()
        try:
            async with asyncio.timeout(self.timeout_s):
                yield
        except TimeoutError as exc:
            raise StageTimeout(name) from exc
        finally:
            elapsed = (time.perf_counter() - start) * 1000
            self.latency_ms[name] = round(self.latency_ms.get(name, 0.0) + elapsed, 3)


@dataclass(slots=True)
class Turn:
    """What we learn about one message while it moves through the stages."""

    message: InboundMessage
    lang: str
    sent: list[int] = field(default_factory=list)
    intent: str | None = None
    plugin: str | None = None
    confidence: float | None = None
    slots: dict[str, Any] | None = None


class Pipeline:
    def __init__(
        self,
        *,
        settings: Settings,
        registry: PluginRegistry,
        engine: NluEngine,
        dialogue: DialogueManager,
        interactions: InteractionLog,
        users: UserDirectory,
        states: DialogueStateStore,
        audit: AuditLog,
        send: Send,
        publish: Publish,
        texts: Translations,
        observe_turn: Callable[[str, Mapping[str, float]], None] | None = None,
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.engine = engine
        self.dialogue = dialogue
        self.interactions = interactions
        self.users = users
        self.states = states
        self.audit = audit
        self._send = send
        self._publish = publish
        self.texts = texts
        self._observe_turn = observe_turn

    # -- entry point (bus handler for "message.in") ----------------------------------------
    async def handle(self, event: Event) -> None:
        if not isinstance(event, InboundMessage):
            return
        # Every log line of this turn, from any module, carries its trace and chat id.
        with log_context(event.trace_id, event.chat_id):
            await self._handle(event)

    async def _handle(self, event: InboundMessage) -> None:
        clock = StageClock(self.settings.bus.stage_timeout_s)
        async with clock.stage("record"):
            fresh = await self.interactions.record_inbound(event)
        if not fresh and not await self._is_redelivery(event):
            log.info("duplicate message %s ignored (chat %s)", event.event_id, event.chat_id)
            return
        turn = Turn(event, lang=event.lang or self.settings.app.default_language)
        outcome, error = "ok", None
        try:
            outcome = await self._process(turn, clock)
        except StageTimeout as exc:
            log.warning("%s (trace %s, chat %s)", exc, event.trace_id, event.chat_id)
            outcome, error = "timeout", str(exc)
            await self._say(turn, "timeout")
        except Exception as exc:
            log.exception("message failed (trace %s, chat %s)", event.trace_id, event.chat_id)
            outcome, error = "error", f"{type(exc).__name__}: {exc}"
            await self._say(turn, "error")
        await self.interactions.finish(
            event.trace_id,
            outcome=outcome,
            error=error,
            latency_ms=clock.latency_ms,
            understanding={
                "lang": turn.lang,
                "intent": turn.intent,
                "confidence": turn.confidence,
                "slots": turn.slots,
                "plugin": turn.plugin,
            },
        )
        if self._observe_turn is not None:
            self._observe_turn(outcome, clock.latency_ms)
        await self._publish(
            TurnCompleted(
                chat_id=event.chat_id,
                user_id=event.user_id,
                lang=turn.lang,
                trace_id=event.trace_id,
                outcome=outcome,
                intent=turn.intent,
                error=error,
                replies=len(turn.sent),
            )
        )

    async def _is_redelivery(self, event: InboundMessage) -> bool:
        """Recorded but never finished: the process died mid-turn, so do the turn now.
        A finished turn, or a different event for the same update, is a true duplicate."""
        existing = await self.interactions.by_trace(event.trace_id)
        return (
            existing is not None
            and existing.event_id == event.event_id
            and (existing.finished_at is None)
        )

    # -- stages -------------------------------------------------------------------------------
    async def _process(self, turn: Turn, clock: StageClock) -> str:
        async with clock.stage("user"):
            user = await self.users.touch(turn.message)
        if user.role == "banned":
            # Recorded, not answered: a banned user's messages create no traffic.
            return "rejected"
        default = user.lang or self.settings.app.default_language
        for name, plugin, pre_stage in self.registry.pre_stages:
            if not self.registry.is_enabled(plugin.name):
                continue
            turn.lang = turn.message.lang or default
            ctx = self._context(plugin, turn, user, self._timezone(user), datetime.now(UTC))
            async with clock.stage(name):
                try:
                    changed = await pre_stage(ctx)
                except TurnRejected as rejected:
                    await self._reply(turn, rejected.reply)
                    return "rejected"
            if changed is not None:
                turn.message = changed
        text = turn.message.text.strip()
        # A command or a button press says nothing about language: keep the user's.
        wordless = not text or text.startswith("/")
        turn.lang = default if wordless else detect_language(text, default=default)
        if turn.lang != user.lang:
            await self.users.set_lang(user.id, turn.lang)
        textual = (MessageKind.TEXT, MessageKind.COMMAND, MessageKind.CALLBACK)
        if not text and await self._file_without_caption(turn):
            return "rejected"
        if turn.message.kind not in textual and not text:
            await self._say(turn, "unsupported")
            return "rejected"
        is_press = turn.message.kind == MessageKind.CALLBACK and turn.message.callback_data
        if not text and not is_press:
            await self._say(turn, "empty")
            return "rejected"
        limit = self.settings.app.max_input_chars
        if len(text) > limit:
            await self._say(turn, "too_long", length=len(text), limit=limit)
            return "rejected"
        tz = self._timezone(user)
        now = datetime.now(tz)
        if turn.message.kind == MessageKind.CALLBACK and turn.message.callback_data:
            async with clock.stage("handler"):
                return await self._button(turn, user, turn.message.callback_data, tz, now)
        if text.startswith("/"):
            async with clock.stage("handler"):
                return await self._command(turn, user, text, tz, now)
        state_json = await self.states.load(turn.message.chat_id, turn.message.user_id)
        state = DialogueState.from_json(state_json)
        async with clock.stage("nlu"):
            nlu = await asyncio.to_thread(
                self.engine.understand,
                text,
                lang=turn.lang,
                now=now,
                tz=tz,
                enabled_intents=self.registry.enabled_intents(),
            )
        turn.intent = nlu.intent
        async with clock.stage("dialogue"):
            decision, state = self.dialogue.decide(state, nlu, text, now=now, tz=tz)
        async with clock.stage("handler"):
            outcome, state = await self._act(turn, user, nlu, decision, state, tz, now)
        turn.confidence, turn.slots = nlu.confidence, nlu.to_json()["slots"]
        new_state = state.to_json()
        if new_state != (state_json or DialogueState().to_json()):
            await self.states.save(turn.message.chat_id, turn.message.user_id, new_state)
        return outcome

    async def _act(
        self,
        turn: Turn,
        user: UserRecord,
        nlu: NluResult,
        decision: Outcome,
        state: DialogueState,
        tz: ZoneInfo,
        now: datetime,
    ) -> tuple[str, DialogueState]:
        match decision:
            case Dispatch():
                return await self._dispatch(turn, user, nlu, decision, state, tz, now)
            case Ask(reason=reason):
                turn.intent = decision.intent
                await self._ask(turn, decision.prompt, reason)
                return "ok", state
            case Cancelled():
                await self._say(turn, "cancelled")
                return "ok", state
            case NothingToCancel():
                await self._say(turn, "nothing_to_cancel")
                return "ok", state
            case GaveUp():
                await self._say(turn, "gave_up")
                return "fallback", state
            case Fallback():
                await self._fallback(turn, user, nlu, tz, now)
                return "fallback", state
        raise AssertionError(f"unhandled dialogue outcome {decision!r}")

    async def _dispatch(
        self,
        turn: Turn,
        user: UserRecord,
        nlu: NluResult,
        decision: Dispatch,
        state: DialogueState,
        tz: ZoneInfo,
        now: datetime,
    ) -> tuple[str, DialogueState]:
        turn.intent = decision.intent
        route = self.registry.intent_route(decision.intent)
        if route is None:
            await self._say(turn, "plugin_disabled")
            return "rejected", state
        turn.plugin = route.plugin.name
        ctx = self._context(route.plugin, turn, user, tz, now)
        ctx.intent, ctx.slots, ctx.previous = decision.intent, decision.slots, decision.previous
        kwargs = _slot_kwargs(route.handler, decision.slots)
        result = await route.handler(ctx, **kwargs)
        request = ctx.slot_request
        ask, state = self.dialogue.after_dispatch(
            state,
            decision,
            result=result,
            asked_slot=request.slot if request else None,
            reason=request.reason if request else None,
            lang=turn.lang,
            now=now,
        )
        if ask is not None:
            await self._ask(turn, ask.prompt, ask.reason)
        return "ok", state

    async def _fallback(
        self, turn: Turn, user: UserRecord, nlu: NluResult, tz: ZoneInfo, now: datetime
    ) -> None:
        for route in self.registry.fallbacks():
            ctx = self._context(route.plugin, turn, user, tz, now)
            ctx.alternatives = nlu.alternatives
            if await route.handler(ctx) is not False:
                turn.plugin = route.plugin.name
                return
        await self._say(turn, "fallback")

    async def _command(
        self, turn: Turn, user: UserRecord, text: str, tz: ZoneInfo, now: datetime
    ) -> str:
        head, _, args = text[1:].partition(" ")
        name = head.split("@", 1)[0].lower()
        turn.intent = f"/{name}"
        if name == "cancel":
            state = DialogueState.from_json(
                await self.states.load(turn.message.chat_id, turn.message.user_id)
            )
            await self.states.save(turn.message.chat_id, turn.message.user_id, {})
            await self._say(turn, "cancelled" if state.form else "nothing_to_cancel")
            return "ok"
        route = self.registry.command_route(name)
        if route is None:
            await self._say(turn, "unknown_command", command=name)
            return "rejected"
        turn.plugin = route.plugin.name
        if route.admin and not self._is_admin(user):
            await self.audit.record(user.id, "command.denied", f"/{name}", {"args": args})
            await self._say(turn, "admin_only", command=name)
            return "rejected"
        if route.admin:
            await self.audit.record(user.id, "command", f"/{name}", {"args": args})
        await route.handler(self._context(route.plugin, turn, user, tz, now), args.strip())
        return "ok"

    async def _button(
        self, turn: Turn, user: UserRecord, data: str, tz: ZoneInfo, now: datetime
    ) -> str:
        name, _, args = data.partition(":")
        turn.intent = f"button:{name}"
        route = self.registry.button_route(name)
        if route is None:
            await self._say(turn, "button_expired")
            return "rejected"
        turn.plugin = route.plugin.name
        if route.admin and not self._is_admin(user):
            await self.audit.record(user.id, "button.denied", name, {"args": args})
            await self._say(turn, "admin_only", command=name)
            return "rejected"
        if route.admin:
            await self.audit.record(user.id, "button", name, {"args": args})
        await route.handler(self._context(route.plugin, turn, user, tz, now), args)
        return "ok"

    # -- helpers ----------------------------------------------------------------------------
    def _context(
        self, plugin: Plugin, turn: Turn, user: UserRecord, tz: ZoneInfo, now: datetime
    ) -> Context:
        ctx = Context(
            plugin=plugin,
            message=turn.message,
            user=user,
            lang=turn.lang,
            tz=tz,
            now=now,
            is_admin=self._is_admin(user),
        )
        ctx.sent = turn.sent  # share the list, so the turn counts the plugin's replies
        return ctx

    def _timezone(self, user: UserRecord) -> ZoneInfo:
        try:
            return ZoneInfo(user.timezone or self.settings.app.timezone)
        except (KeyError, ValueError):
            return ZoneInfo(self.settings.app.timezone)

    def _is_admin(self, user: UserRecord) -> bool:
        return user.role == "admin" or user.id in self.settings.admin.users

    async def _ask(self, turn: Turn, prompt: str, reason: str | None) -> None:
        if reason == "not_understood":
            reason = self.texts.t("not_understood", turn.lang)
        await self._reply(turn, f"{reason} {prompt}" if reason else prompt)

    async def _file_without_caption(self, turn: Turn) -> bool:
        """A document or photo without a caption is kept (``ctx.document()`` / ``ctx.photo()``
        find it later) and answered with what the plugins that take it can do with it. A
        document no plugin takes is said to be unusable; such a photo is left to the
        "unsupported" reply (False)."""
        message = turn.message
        if message.kind is MessageKind.DOCUMENT:
            name = (message.attachment.file_name if message.attachment else None) or "document"
            extension = extension_of(name)
            takers = [p for p in self._enabled_plugins() if extension in p.documents]
            if not takers:
                await self._say(turn, "document_unusable", name=name)
                return True
            intro, hint_key = (
                self.texts.t("document_received", turn.lang, name=name),
                "document_hint",
            )
        elif message.kind is MessageKind.PHOTO:
            takers = [p for p in self._enabled_plugins() if p.takes_photos]
            if not takers:
                return False
            intro, hint_key = self.texts.t("photo_received", turn.lang), "photo_hint"
        else:
            return False
        hints = [f"• {plugin.t(hint_key, turn.lang)}" for plugin in takers]
        await self._reply(turn, "\n".join([intro, *hints]))
        return True

    def _enabled_plugins(self) -> list[Plugin]:
        return [p for p in self.registry.plugins.values() if self.registry.is_enabled(p.name)]

    async def _say(self, turn: Turn, key: str, **values: Any) -> None:
        await self._reply(turn, self.texts.t(key, turn.lang, **values))

    async def _reply(self, turn: Turn, text: str) -> None:
        reply = OutboundReply.answering(turn.message, text, lang=turn.lang)
        turn.sent.append(await self._send(reply))


def _slot_kwargs(handler: Callable[..., Any], slots: dict[str, Any]) -> dict[str, Any]:
    """Slot values for the handler's keyword parameters; None for slots not given."""
    params = list(inspect.signature(handler).parameters.values())[1:]  # skip ctx
    kwargs: dict[str, Any] = {}
    for param in params:
        if param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
            continue
        slot = slots.get(param.name)
        kwargs[param.name] = slot.value if slot is not None else None
    return kwargs
