"""The queue of updates waiting for the bot, with getUpdates' offset semantics."""

from __future__ import annotations

from typing import Any

from bot.channels.emulator.change_signal import ChangeSignal

# What Telegram delivers when the bot never said which update types it wants.
DEFAULT_EXCLUDED_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def update_type(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")


def is_allowed(update: dict[str, Any], allowed_updates: list[str] | None) -> bool:
    kind = update_type(update)
    if not allowed_updates:
        return kind not in DEFAULT_EXCLUDED_TYPES
    return kind in allowed_updates


class UpdateQueue:
    def __init__(self, first_update_id: int = 100_000_001) -> None:
        self._pending: list[dict[str, Any]] = []
        self._next_id = first_update_id
        self.changed = ChangeSignal()

    def push(self, body: dict[str, Any]) -> dict[str, Any]:
        """Queue ``body`` (e.g. ``{"message": {...}}``) as a new update; return the update."""
        update = {"update_id": self._next_id, **body}
        self._next_id += 1
        self._pending.append(update)
        self.changed.notify()
        return update

    def confirm(self, offset: int) -> None:
        """Forget updates below ``offset``; a negative offset keeps only the last ``-offset``."""
        if offset < 0:
            self._pending = self._pending[offset:]
        else:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]

    def peek(self, limit: int, allowed_updates: list[str] | None) -> list[dict[str, Any]]:
        """Up to ``limit`` pending updates of the allowed types, oldest first."""
        # Updates of types the bot did not ask for are dropped, as Telegram does.
        self._pending = [u for u in self._pending if is_allowed(u, allowed_updates)]
        return self._pending[:limit]

    def drop_all(self) -> None:
        self._pending.clear()

    def __len__(self) -> int:
        return len(self._pending)
