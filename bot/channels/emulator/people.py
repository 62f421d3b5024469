"""The simulated people and chats that talk to the bot, as Bot API ``User``/``Chat`` objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Telegram group ids are negative; supergroups start with -100.
GROUP_CHAT_ID = -1001000000001
GROUP_TITLE = "Sova test group"


@dataclass(frozen=True, slots=True)
class SimUser:
    id: int
    first_name: str
    username: str
    language_code: str = "ru"
    last_name: str | None = None

    def to_api(self) -> dict[str, Any]:
        """The Bot API ``User`` object."""
        user: dict[str, Any] = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "username": self.username,
            "language_code": self.language_code,
        }
        if self.last_name:
            user["last_name"] = self.last_name
        return user

    def private_chat(self) -> dict[str, Any]:
        """The Bot API ``Chat`` of this user's private chat with the bot (same id as the user)."""
        chat: dict[str, Any] = {
            "id": self.id,
            "type": "private",
            "first_name": self.first_name,
            "username": self.username,
        }
        if self.last_name:
            chat["last_name"] = self.last_name
        return chat


DEFAULT_USERS: tuple[SimUser, ...] = (
    SimUser(id=1000, first_name="Admin", username="sova_admin", language_code="en"),
    SimUser(id=1001, first_name="Anna", username="anna", language_code="ru"),
    SimUser(id=1002, first_name="Boris", username="boris", language_code="en"),
)


def group_chat() -> dict[str, Any]:
    return {"id": GROUP_CHAT_ID, "type": "supergroup", "title": GROUP_TITLE}


class Roster:
    """Who exists in the emulated Telegram: users, their private chats and the one group."""

    def __init__(self, users: tuple[SimUser, ...] = DEFAULT_USERS) -> None:
        self._users = {user.id: user for user in users}

    @property
    def users(self) -> list[SimUser]:
        return list(self._users.values())

    def user(self, user_id: int) -> SimUser:
        try:
            return self._users[user_id]
        except KeyError:
            raise KeyError(f"no simulated user with id {user_id}") from None

    def has_chat(self, chat_id: int) -> bool:
        return chat_id == GROUP_CHAT_ID or chat_id in self._users

    def chat(self, chat_id: int) -> dict[str, Any]:
        """The Bot API ``Chat`` object for ``chat_id``; ``KeyError`` when there is none."""
        if chat_id == GROUP_CHAT_ID:
            return group_chat()
        return self.user(chat_id).private_chat()

    def chat_for(self, user_id: int, chat_id: int | None) -> dict[str, Any]:
        """The chat a user writes in: their private chat unless ``chat_id`` says otherwise."""
        self.user(user_id)
        if chat_id is None or chat_id == user_id:
            return self.user(user_id).private_chat()
        if chat_id != GROUP_CHAT_ID:
            raise KeyError(f"user {user_id} is not a member of chat {chat_id}")
        return group_chat()
