"""DialogueStateStore on both backends."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.storage import Database, DialogueStateStore
from tests.bot.storage.helpers import CHAT_ID, USER_ID

STATE: dict[str, Any] = {
    "form": "reminders.set_reminder",
    "filled": {"what": "позвонить маме", "when": None},
    "asked": ["when"],
    "turn": 2,
}


async def test_save_load_clear(database: Database) -> None:
    store = DialogueStateStore(database)
    assert await store.load(CHAT_ID, USER_ID) is None

    await store.save(CHAT_ID, USER_ID, STATE)
    assert await store.load(CHAT_ID, USER_ID) == STATE
    assert await store.load(CHAT_ID, USER_ID + 1) is None  # per user, not per chat

    await store.save(CHAT_ID, USER_ID, {"form": None})
    assert await store.load(CHAT_ID, USER_ID) == {"form": None}

    assert await store.clear(CHAT_ID, USER_ID) is True
    assert await store.load(CHAT_ID, USER_ID) is None
    assert await store.clear(CHAT_ID, USER_ID) is False


async def test_racing_saves_leave_one_row(database: Database) -> None:
    store = DialogueStateStore(database)
    await asyncio.gather(*(store.save(CHAT_ID, USER_ID, {"n": n}) for n in range(6)))
    state = await store.load(CHAT_ID, USER_ID)
    assert state is not None and state["n"] in range(6)
