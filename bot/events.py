"""The typed events that travel on the bus.

Events are immutable and serialisable (``to_dict`` / ``event_from_dict``) so that a
cross-process backend (Redis Streams) can carry them unchanged. Every event has an
``event_id`` (idempotency key), a ``trace_id`` (one per user message, shared by every
event and record it causes), the chat and user it concerns, a timestamp and a language.
"""

from __future__ import annotations

import dataclasses
import enum
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar


def new_id() -> str:
    """A fresh random identifier (hex UUID4)."""
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


class MessageKind(enum.StrEnum):
    TEXT = "text"
    COMMAND = "command"
    VOICE = "voice"
    AUDIO = "audio"
    PHOTO = "photo"
    DOCUMENT = "document"
    CALLBACK = "callback"
    OTHER = "other"  # a sticker, video, location...: Sova says it can't use it yet


@dataclass(frozen=True, slots=True, kw_only=True)
class Attachment:
    """A file that came with a message; ``ref`` is channel-specific (Telegram file_id, path)."""

    ref: str
    mime_type: str | None = None
    file_name: str | None = None
    size: int | None = None
    duration_s: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Button:
    """An inline button; ``data`` comes back as a callback message when pressed."""

    text: str
    data: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Base of every bus event."""

    topic: ClassVar[str] = "event"

    chat_id: int
    user_id: int
    lang: str | None = None
    trace_id: str = field(default_factory=new_id)
    event_id: str = field(default_factory=new_id)
    ts: datetime = field(default_factory=utcnow)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible dict, tagged with the event type."""
        data: dict[str, Any] = {"type": type(self).__name__}
        for f in dataclasses.fields(self):
            data[f.name] = _encode(getattr(self, f.name))
        return data


@dataclass(frozen=True, slots=True, kw_only=True)
class InboundMessage(Event):
    """Something a person sent: text, a command, voice, a file, a button press."""

    topic: ClassVar[str] = "message.in"

    channel: str
    kind: MessageKind = MessageKind.TEXT
    text: str = ""
    attachment: Attachment | None = None
    callback_data: str | None = None
    # Channel-native ids, for replying in thread and for de-duplicating updates.
    external_message_id: str | None = None
    external_update_id: str | None = None
    username: str | None = None
    display_name: str | None = None
    chat_type: str = "private"


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboundReply(Event):
    """Something Sova says: text with optional buttons, or a file (photo, voice, document)."""

    topic: ClassVar[str] = "reply.out"

    channel: str
    text: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    kind: str = "text"  # text | photo | voice | document
    file_path: str | None = None
    reply_id: int | None = None  # row id in the replies table, set once recorded
    edit_external_message_id: str | None = None
    # False: never turn this text into a voice message (e.g. the "🎤 transcript" echo).
    speakable: bool = True

    @classmethod
    def answering(
        cls, message: InboundMessage, text: str, *, lang: str | None, **fields: Any
    ) -> OutboundReply:
        """A reply to ``message``: same chat, user, channel and trace."""
        return cls(
            chat_id=message.chat_id,
            user_id=message.user_id,
            lang=lang,
            trace_id=message.trace_id,
            channel=message.channel,
            text=text,
            **fields,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class TurnCompleted(Event):
    """Published when the pipeline has finished with one inbound message."""

    topic: ClassVar[str] = "message.done"

    outcome: str  # ok | fallback | error | timeout | rejected
    intent: str | None = None
    error: str | None = None
    replies: int = 0  # how many replies the turn produced, so a channel can wait for them all


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedbackGiven(Event):
    """A user rated a reply (button press or command)."""

    topic: ClassVar[str] = "feedback"

    reply_id: int | None
    kind: str
    value: float


E = TypeVar("E", bound=Event)

_EVENT_TYPES: dict[str, type[Event]] = {}


def register_event(cls: type[E]) -> type[E]:
    """Make an event class known to ``event_from_dict`` (plugins may add their own events)."""
    _EVENT_TYPES[cls.__name__] = cls
    return cls


for _cls in (InboundMessage, OutboundReply, TurnCompleted, FeedbackGiven):
    register_event(_cls)


def event_from_dict(data: dict[str, Any]) -> Event:
    """Rebuild an event from ``Event.to_dict`` output."""
    payload = dict(data)
    type_name = payload.pop("type")
    cls = _EVENT_TYPES.get(type_name)
    if cls is None:
        raise ValueError(f"unknown event type {type_name!r}")
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in payload:
            kwargs[f.name] = _decode_field(cls, f.name, payload[f.name])
    return cls(**kwargs)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


def attachment_from_json(value: dict[str, Any] | None) -> Attachment | None:
    """An ``Attachment`` back from its stored dict; unknown keys (from a newer version) are
    ignored rather than failing a replay."""
    if value is None:
        return None
    known = {f.name for f in dataclasses.fields(Attachment)}
    return Attachment(**{k: v for k, v in value.items() if k in known})


def _decode_field(cls: type[Event], name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "ts":
        return datetime.fromisoformat(value)
    if name == "kind" and cls is InboundMessage:
        return MessageKind(value)
    if name == "attachment":
        return attachment_from_json(value)
    if name == "buttons":
        return tuple(tuple(Button(**b) for b in row) for row in value)
    return value
