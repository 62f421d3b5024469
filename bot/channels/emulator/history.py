"""Every message in every emulated chat, as Bot API ``Message`` objects, with edits applied.

Each change gets a revision number (one counter for the whole emulator) so that the web page
can ask "what changed in this chat after revision N" and see edits as well as new messages.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from bot.channels.emulator.change_signal import ChangeSignal

# Telegram shows a chat action for 5 seconds or until the bot's next message.
CHAT_ACTION_SECONDS = 5.0


@dataclass(slots=True)
class StoredMessage:
    payload: dict[str, Any]  # the Bot API Message, exactly as returned and delivered
    from_bot: bool
    revision: int

    @property
    def chat_id(self) -> int:
        return int(self.payload["chat"]["id"])

    @property
    def message_id(self) -> int:
        return int(self.payload["message_id"])


@dataclass(frozen=True, slots=True)
class ChatAction:
    action: str
    until: float  # time.monotonic()
    revision: int


@dataclass(frozen=True, slots=True)
class Notice:
    """A callback answer's text, which Telegram shows as a toast or an alert."""

    text: str
    alert: bool
    revision: int


class ChatHistory:
    def __init__(self) -> None:
        self._chats: dict[int, list[StoredMessage]] = {}
        self._last_message_id: dict[int, int] = {}
        self._actions: dict[int, ChatAction] = {}
        self._notices: dict[int, list[Notice]] = {}
        self._revision = 0
        self.changed = ChangeSignal()

    @property
    def revision(self) -> int:
        return self._revision

    def next_message_id(self, chat_id: int) -> int:
        """Message ids count up per chat, as in Telegram's private chats and groups."""
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def add(self, payload: dict[str, Any], *, from_bot: bool) -> StoredMessage:
        stored = StoredMessage(payload=payload, from_bot=from_bot, revision=self._bump())
        self._chats.setdefault(stored.chat_id, []).append(stored)
        if from_bot:
            self._actions.pop(stored.chat_id, None)
        self.changed.notify()
        return stored

    def get(self, chat_id: int, message_id: int) -> StoredMessage | None:
        for stored in self._chats.get(chat_id, ()):
            if stored.message_id == message_id:
                return stored
        return None

    def replace(self, stored: StoredMessage, payload: dict[str, Any]) -> StoredMessage:
        """Apply an edit: the message keeps its place and gets a new revision."""
        stored.payload = payload
        stored.revision = self._bump()
        self.changed.notify()
        return stored

    def messages(self, chat_id: int) -> list[StoredMessage]:
        return list(self._chats.get(chat_id, ()))

    def changed_since(self, chat_id: int, revision: int) -> list[StoredMessage]:
        changed = [m for m in self._chats.get(chat_id, ()) if m.revision > revision]
        return sorted(changed, key=lambda m: m.message_id)

    def set_action(self, chat_id: int, action: str) -> None:
        self._actions[chat_id] = ChatAction(
            action=action, until=time.monotonic() + CHAT_ACTION_SECONDS, revision=self._bump()
        )
        self.changed.notify()

    def action(self, chat_id: int) -> ChatAction | None:
        """The chat action still showing in ``chat_id``, if any."""
        current = self._actions.get(chat_id)
        if current is None or current.until < time.monotonic():
            return None
        return current

    def add_notice(self, chat_id: int, text: str, *, alert: bool) -> None:
        notice = Notice(text=text, alert=alert, revision=self._bump())
        self._notices.setdefault(chat_id, []).append(notice)
        self.changed.notify()

    def notices_since(self, chat_id: int, revision: int) -> list[Notice]:
        return [n for n in self._notices.get(chat_id, ()) if n.revision > revision]

    def _bump(self) -> int:
        self._revision += 1
        return self._revision
