"""Everything the emulated Telegram knows, shared by the Bot API, the users and the web page."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.channels.emulator.faults import CallLog, FaultInjector
from bot.channels.emulator.files import FileStore
from bot.channels.emulator.history import ChatHistory
from bot.channels.emulator.people import Roster
from bot.channels.emulator.updates import UpdateQueue

DEFAULT_BOT_ID = 7000000001


def bot_id_from_token(token: str) -> int:
    """The bot's user id, which Telegram tokens carry before the colon (aiogram reads it)."""
    prefix = token.split(":", 1)[0]
    return int(prefix) if prefix.isdigit() else DEFAULT_BOT_ID


@dataclass(slots=True)
class WebhookSettings:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    callback_query_id: str
    text: str | None
    show_alert: bool


@dataclass(slots=True)
class EmulatorState:
    token: str
    bot_username: str
    data_dir: Path
    roster: Roster = field(default_factory=Roster)
    history: ChatHistory = field(default_factory=ChatHistory)
    updates: UpdateQueue = field(default_factory=UpdateQueue)
    faults: FaultInjector = field(default_factory=FaultInjector)
    call_log: CallLog = field(default_factory=CallLog)
    webhook: WebhookSettings = field(default_factory=WebhookSettings)
    # getUpdates' allowed_updates persists between calls, as in Telegram.
    allowed_updates: list[str] | None = None
    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    # callback_query id → its chat, until answered; answers with text show up on the page.
    callback_queries: dict[str, int] = field(default_factory=dict)
    callback_answers: list[CallbackAnswer] = field(default_factory=list)
    files: FileStore = field(init=False)

    def __post_init__(self) -> None:
        self.files = FileStore(self.data_dir)

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot as a Bot API ``User`` (getMe's answer adds the ``can_*`` flags)."""
        return {
            "id": bot_id_from_token(self.token),
            "is_bot": True,
            "first_name": "Sova",
            "username": self.bot_username,
        }
