"""Plugin SDK: the ``Plugin`` base class, handler decorators and the ``Context`` handlers get.

A plugin is a package with a ``Plugin`` subclass, ``intents/<lang>.yaml`` (examples and slots)
and ``locales/<lang>.yaml`` (texts). Handlers are marked with decorators; the runtime finds
them (``bot.plugin_registry``) and calls them, so a plugin never touches ``bot/``::

    class Reminders(Plugin):
        name = "reminders"

        @intent("set_reminder", required=("when", "what"))
        async def set_reminder(self, ctx: Context, when: datetime, what: str) -> None:
            await ctx.reply(ctx.t("reminder_set", when=when, what=what))
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import inspect
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from bot.bus import Bus
from bot.events import (
    Button,
    Event,
    InboundMessage,
    MessageKind,
    OutboundReply,
    attachment_from_json,
)
from bot.experiments import Experiments
from bot.i18n import Translations
from bot.nlu import SlotValue
from bot.progress import ProgressMessage
from bot.scheduler import Scheduler
from bot.storage import Database, InteractionLog, UserRecord
from bot.uploads import RECENT_FILE_WINDOW, UploadedFile

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.plugin_registry import PluginRegistry
    from models.registry import ModelRegistry

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])

_MARK = "__sova_handler__"


@dataclass(frozen=True, slots=True)
class IntentMark:
    name: str
    required: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CommandMark:
    name: str
    admin: bool


@dataclass(frozen=True, slots=True)
class JobMark:
    name: str
    cron: str | None
    interval_s: float | None


@dataclass(frozen=True, slots=True)
class EventMark:
    event_type: type[Event]


@dataclass(frozen=True, slots=True)
class FallbackMark:
    priority: int


@dataclass(frozen=True, slots=True)
class ButtonMark:
    name: str
    admin: bool


@dataclass(frozen=True, slots=True)
class PreStageMark:
    name: str


@dataclass(frozen=True, slots=True)
class OutgoingMark:
    pass


HandlerMark = (
    IntentMark
    | CommandMark
    | JobMark
    | EventMark
    | FallbackMark
    | ButtonMark
    | PreStageMark
    | OutgoingMark
)


class TurnRejected(Exception):
    """Raised by a pre-stage to end the turn with a reply (e.g. "that voice message is too
    long"); the pipeline sends ``reply`` and records the outcome "rejected"."""

    def __init__(self, reply: str) -> None:
        super().__init__(reply)
        self.reply = reply


# Telegram shows a chat action for 5 s; repeating it a little sooner keeps it steady.
CHAT_ACTION_REPEAT_S = 4.0


@asynccontextmanager
async def show_action_while(show: Callable[[], Awaitable[None]]) -> AsyncIterator[None]:
    """Call ``show`` now and every ``CHAT_ACTION_REPEAT_S`` until the block ends."""

    async def repeat() -> None:
        while True:
            await show()
            await asyncio.sleep(CHAT_ACTION_REPEAT_S)

    task = asyncio.create_task(repeat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


# Telegram allows at most 64 bytes of callback data per button.
MAX_BUTTON_DATA_BYTES = 64


def _mark(mark: HandlerMark) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        is_async = inspect.iscoroutinefunction(func)  # a plain bool: keep F's type unnarrowed
        if not is_async:
            raise TypeError(f"{func.__qualname__}: Sova handlers must be `async def`")
        marks: list[HandlerMark] = getattr(func, _MARK, [])
        setattr(func, _MARK, [*marks, mark])
        return func

    return decorate


def intent(name: str, *, required: Sequence[str] = ()) -> Callable[[F], F]:
    """Handle an NLU intent. ``required`` slots are asked for (dialogue form) when missing;
    slot values arrive as keyword arguments named like the slots (``None`` when absent)."""
    return _mark(IntentMark(name, tuple(required)))


def command(name: str, *, admin: bool = False) -> Callable[[F], F]:
    """Handle ``/name args``; the handler gets ``(ctx, args: str)``. The docstring is the help
    text (a locale key ``command.<name>`` overrides it per language)."""
    return _mark(CommandMark(name.lstrip("/"), admin))


def job(
    name: str, *, cron: str | None = None, interval_s: float | None = None
) -> Callable[[F], F]:
    """A scheduled job ``<plugin>.<name>``. With ``cron``/``interval_s`` it recurs; without, it is
    run by ``ctx.scheduler.add_at(when, "<plugin>.<name>", **kwargs)``. Gets ``**kwargs``."""
    if cron is not None and interval_s is not None:
        raise ValueError("give cron or interval_s, not both")
    return _mark(JobMark(name, cron, interval_s))


def on(event_type: type[Event]) -> Callable[[F], F]:
    """Subscribe to a bus event type; the handler gets the event."""
    return _mark(EventMark(event_type))


def button(name: str, *, admin: bool = False) -> Callable[[F], F]:
    """Handle presses of buttons made with ``ctx.button(text, name, args)``; the handler gets
    ``(ctx, args: str)``. ``admin`` buttons are refused (and audited) for non-admins."""
    return _mark(ButtonMark(name, admin))


def pre_stage(name: str) -> Callable[[F], F]:
    """Run before the NLU on every message; the handler gets ``ctx`` and returns a new
    ``InboundMessage`` (e.g. a voice message turned into its transcript) or None to leave it.
    Raise ``TurnRejected(text)`` to answer and stop. Stages run in plugin order."""
    return _mark(PreStageMark(name))


def outgoing() -> Callable[[F], F]:
    """Run on every reply before it is recorded and sent (answers, reminders, broadcasts); the
    handler gets the ``OutboundReply`` and returns it, changed or not (e.g. spoken as a voice
    message). A failing handler is logged and the reply goes out unchanged."""
    return _mark(OutgoingMark())


DEFAULT_FALLBACK_PRIORITY = 100


def fallback(*, priority: int = DEFAULT_FALLBACK_PRIORITY) -> Callable[[F], F]:
    """Handle messages the NLU could not place; ``ctx.alternatives`` holds close intents.

    Fallbacks form a chain, lowest ``priority`` first. A handler that returns ``False``
    passes the message on to the next one; any other result (``None``, ``True``) means it
    answered. A specialist (question answering) thus goes before the catch-all (smalltalk's
    "did you mean") and steps aside when it has nothing good to say."""
    return _mark(FallbackMark(priority))


def handler_marks(func: object) -> list[HandlerMark]:
    marks: list[HandlerMark] = getattr(func, _MARK, [])
    return marks


class NoConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PluginRuntime(Protocol):
    """What the runtime lends every plugin (implemented by ``bot.app``)."""

    @property
    def db(self) -> Database: ...

    @property
    def scheduler(self) -> Scheduler: ...

    @property
    def bus(self) -> Bus: ...

    @property
    def default_timezone(self) -> ZoneInfo: ...

    async def send(self, reply: OutboundReply) -> int:
        """Record a reply (delivery status pending) and hand it to its channel."""
        ...

    def manifests(self) -> list[Manifest]: ...

    @property
    def settings(self) -> Settings: ...

    def plugin_registry(self) -> PluginRegistry:
        """The loaded plugins and their routes (for admin tools: list, enable, disable)."""
        ...

    @property
    def models(self) -> ModelRegistry:
        """Shared model registry: lazy loading, micro-batching (``models/``)."""
        ...

    async def download(self, message: InboundMessage) -> bytes:
        """The bytes of the file that came with ``message``, from its channel."""
        ...

    async def show_action(self, channel: str, chat_id: int, action: str) -> None:
        """Show a chat action ("typing", "record_voice", "upload_voice") where the channel can;
        a no-op elsewhere."""
        ...

    @property
    def experiments(self) -> Experiments:
        """Variants of plugin parameters under experiment (``bot.experiments``)."""
        ...


class Plugin:
    """Base class of every plugin. Subclasses set ``name`` and mark handlers with decorators."""

    name: ClassVar[str]
    config_model: ClassVar[type[BaseModel]] = NoConfig
    depends_on: ClassVar[tuple[str, ...]] = ()
    # Extensions (".csv") of the documents this plugin works on. A document sent without a
    # caption gets "got it, now say what to do", with the locale text ``document_hint`` of
    # each enabled plugin that takes its extension.
    documents: ClassVar[tuple[str, ...]] = ()
    # Whether it works on photos: a photo sent without a caption gets the locale text
    # ``photo_hint`` of each enabled plugin that does.
    takes_photos: ClassVar[bool] = False

    def __init__(self, runtime: PluginRuntime, config: BaseModel) -> None:
        self.runtime = runtime
        self.config = config

    async def setup(self) -> None:
        """Called once after every plugin is constructed and storage is ready."""

    async def started(self) -> None:
        """Called once the bus, scheduler and channels run (e.g. to reconcile jobs)."""

    async def teardown(self) -> None:
        """Called on shutdown, after the bus has drained."""

    async def forget_user(self, user_id: int) -> None:
        """Delete what this plugin stored about a user (``/forget``); the core tables are
        handled by the runtime. Plugins that keep per-user data must override this."""

    @classmethod
    def folder(cls) -> Path:
        return Path(inspect.getfile(sys.modules[cls.__module__])).parent

    @cached_property
    def texts(self) -> Translations:
        return Translations.load(self.folder() / "locales")

    def t(self, key: str, lang: str, **values: Any) -> str:
        return self.texts.t(key, lang, **values)


@dataclass(frozen=True, slots=True)
class CommandInfo:
    name: str
    help: dict[str, str]
    admin: bool


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a plugin offers, for help texts and admin listings."""

    name: str
    title: dict[str, str]
    description: dict[str, str]
    examples: dict[str, tuple[str, ...]]
    intents: tuple[str, ...]
    commands: tuple[CommandInfo, ...]
    enabled: bool
    # intent -> lang -> what it does, in words ("set a reminder"), from locale keys intent.<name>
    intent_titles: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SlotRequest:
    """A handler asked the dialogue to (re-)ask for one slot, with an optional reason."""

    slot: str
    reason: str | None


@dataclass(slots=True)
class Context:
    """Everything a handler needs about the current message, and ways to answer it."""

    plugin: Plugin
    message: InboundMessage
    user: UserRecord
    lang: str
    tz: ZoneInfo
    now: datetime
    intent: str | None = None
    is_admin: bool = False  # by role in the store or by [admin] users in config
    slots: dict[str, SlotValue] = field(default_factory=dict)
    alternatives: tuple[tuple[str, float], ...] = ()
    previous: Any = None  # what the same intent returned last time, when this turn corrects it
    slot_request: SlotRequest | None = None
    sent: list[int] = field(default_factory=list)

    @property
    def chat_id(self) -> int:
        return self.message.chat_id

    @property
    def user_id(self) -> int:
        return self.message.user_id

    @property
    def db(self) -> Database:
        return self.plugin.runtime.db

    @property
    def scheduler(self) -> Scheduler:
        return self.plugin.runtime.scheduler

    def t(self, key: str, **values: Any) -> str:
        return self.plugin.t(key, self.lang, **values)

    async def reply(
        self,
        text: str = "",
        *,
        buttons: Sequence[Sequence[Button]] = (),
        kind: str = "text",
        file_path: str | None = None,
        speakable: bool = True,
    ) -> int:
        """Answer in this chat; returns the reply's id in the store. ``speakable=False``
        keeps a text reply text even for users who get voice replies."""
        reply = OutboundReply.answering(
            self.message,
            text,
            lang=self.lang,
            buttons=tuple(tuple(row) for row in buttons),
            kind=kind,
            file_path=file_path,
            speakable=speakable,
        )
        reply_id = await self.plugin.runtime.send(reply)
        self.sent.append(reply_id)
        return reply_id

    async def progress(self, text: str) -> ProgressMessage:
        """Send a status message that ``await progress.update(text)`` edits in place, for work
        that takes a while (a long transcription, a big upload)."""
        reply_id = await self.reply(text, speakable=False)
        return ProgressMessage(
            self.plugin.runtime.send, self.db, self.message, self.lang, reply_id, text
        )

    def busy(self, action: str = "typing") -> AbstractAsyncContextManager[None]:
        """``async with ctx.busy("record_voice"):`` shows the chat action for as long as the
        block runs (channels show one for ~5 s, so it is repeated)."""
        runtime, message = self.plugin.runtime, self.message
        return show_action_while(
            lambda: runtime.show_action(message.channel, message.chat_id, action)
        )

    async def document(self) -> UploadedFile | None:
        """The document this message carries or, failing that, the newest one the same user
        sent in this chat within ``RECENT_FILE_WINDOW`` ("send a file, then say what to do
        with it"); None when there is none. Downloads it from the channel."""
        return await self._file(MessageKind.DOCUMENT, "document")

    async def photo(self) -> UploadedFile | None:
        """Like ``document()``, for a photo ("send a photo, then say 'make it look like Van
        Gogh'")."""
        return await self._file(MessageKind.PHOTO, "photo.jpg")

    async def _file(self, kind: MessageKind, unnamed: str) -> UploadedFile | None:
        message = self.message
        if message.kind is not kind or message.attachment is None:
            since = datetime.now(UTC) - RECENT_FILE_WINDOW
            record = await InteractionLog(self.db).latest_file(
                message.chat_id, message.user_id, kind, since
            )
            attachment = None if record is None else attachment_from_json(record.attachment)
            if record is None or attachment is None:
                return None
            message = dataclasses.replace(message, channel=record.channel, attachment=attachment)
        assert message.attachment is not None
        data = await self.plugin.runtime.download(message)
        return UploadedFile(
            file_name=message.attachment.file_name or unnamed,
            mime_type=message.attachment.mime_type,
            data=data,
        )

    async def variant(self, parameter: str, default: str) -> str:
        """This user's variant of ``parameter`` (e.g. ``"voice.reply_mode"``) when an
        experiment controls it, recording that the user met the experiment; else ``default``.
        Read it where the parameter takes effect, so only users who meet it are counted."""
        return await self.plugin.runtime.experiments.variant(parameter, self.user_id, default)

    def button(self, text: str, name: str, args: str = "") -> Button:
        """A button that calls this plugin's ``@button(name)`` handler with ``args``."""
        data = f"{self.plugin.name}.{name}:{args}"
        if len(data.encode()) > MAX_BUTTON_DATA_BYTES:
            raise ValueError(f"button data over {MAX_BUTTON_DATA_BYTES} bytes: {data!r}")
        return Button(text=text, data=data)

    def ask(self, slot: str, reason: str | None = None) -> None:
        """Ask the user for ``slot`` again (e.g. a time in the past); ``reason`` is said first.
        The dialogue keeps the other slots and resumes this intent with the answer."""
        self.slot_request = SlotRequest(slot, reason)
