"""UserDirectory on both backends: upserts from messages, preferences, settings."""

from __future__ import annotations

import asyncio
from datetime import UTC

import pytest
from sqlalchemy import select

from bot.storage import ChatRow, Database, UserDirectory, UserRecord, UserRow
from tests.bot.storage.helpers import CHAT_ID, USER_ID, inbound


async def stored_user(db: Database, user_id: int = USER_ID) -> UserRow:
    async with db.session() as session:
        row = await session.get(UserRow, user_id)
    assert row is not None
    return row


async def test_touch_creates_user_and_chat(database: Database) -> None:
    users = UserDirectory(database)
    record = await users.touch(inbound(lang="ru"))
    assert record == UserRecord(
        id=USER_ID,
        lang="ru",
        timezone=None,
        role="user",
        settings={},
        username="ivan",
        display_name="Иван Петров",
    )
    assert await users.get(USER_ID) == record
    async with database.session() as session:
        chat = await session.get(ChatRow, CHAT_ID)
    assert chat is not None
    assert (chat.channel, chat.type, chat.title) == ("telegram", "supergroup", None)
    assert chat.created_at.tzinfo is UTC


async def test_touch_updates_without_overwriting_choices(database: Database) -> None:
    users = UserDirectory(database)
    await users.touch(inbound(lang=None))
    first_seen = (await stored_user(database)).last_seen_at

    # Language is filled in once detected ...
    assert (await users.touch(inbound(lang="en"))).lang == "en"
    # ... but a later detection does not override it; username follows the message,
    # and a missing display name keeps the known one.
    record = await users.touch(inbound(lang="ru", username="ivan_p", display_name=None))
    assert (record.lang, record.username, record.display_name) == ("en", "ivan_p", "Иван Петров")

    row = await stored_user(database)
    assert row.last_seen_at > first_seen
    assert row.created_at <= first_seen
    assert row.last_seen_at.tzinfo is UTC


async def test_touch_follows_chat_type_changes(database: Database) -> None:
    users = UserDirectory(database)
    await users.touch(inbound(chat_type="group"))
    await users.touch(inbound(chat_type="supergroup"))
    async with database.session() as session:
        types = (await session.execute(select(ChatRow.type))).scalars().all()
    assert types == ["supergroup"]


async def test_concurrent_first_messages_create_one_user(database: Database) -> None:
    users = UserDirectory(database)
    records = await asyncio.gather(*(users.touch(inbound()) for _ in range(6)))
    assert {r.id for r in records} == {USER_ID}
    async with database.session() as session:
        assert len((await session.execute(select(UserRow))).scalars().all()) == 1


async def test_get_unknown_user(database: Database) -> None:
    assert await UserDirectory(database).get(1) is None


async def test_preferences(database: Database) -> None:
    users = UserDirectory(database)
    await users.touch(inbound())
    assert await users.set_lang(USER_ID, "en")
    assert await users.set_timezone(USER_ID, "Asia/Vladivostok")
    assert await users.set_role(USER_ID, "admin")
    record = await users.get(USER_ID)
    assert record is not None
    assert (record.lang, record.timezone, record.role, record.is_admin) == (
        "en",
        "Asia/Vladivostok",
        "admin",
        True,
    )


async def test_invalid_role_is_refused(database: Database) -> None:
    users = UserDirectory(database)
    await users.touch(inbound())
    with pytest.raises(ValueError, match="owner"):
        await users.set_role(USER_ID, "owner")


async def test_preferences_of_an_unknown_user_report_false(database: Database) -> None:
    users = UserDirectory(database)
    assert await users.set_lang(1, "en") is False
    assert await users.set_timezone(1, "UTC") is False
    assert await users.set_role(1, "admin") is False
    assert await users.set_setting(1, "voice", True) is False


async def test_set_setting_keeps_other_keys(database: Database) -> None:
    users = UserDirectory(database)
    await users.touch(inbound())
    assert await users.set_setting(USER_ID, "voice_replies", True)
    assert await users.set_setting(USER_ID, "quiet_hours", {"from": "23:00", "to": "07:00"})
    assert await users.set_setting(USER_ID, "подпись", "— ваша Сова 🦉")
    assert await users.set_setting(USER_ID, "voice_replies", False)
    record = await users.get(USER_ID)
    assert record is not None
    assert record.settings == {
        "voice_replies": False,
        "quiet_hours": {"from": "23:00", "to": "07:00"},
        "подпись": "— ваша Сова 🦉",
    }


async def test_concurrent_settings_are_not_lost(database: Database) -> None:
    users = UserDirectory(database)
    await users.touch(inbound())
    keys = [f"key{i}" for i in range(8)]
    assert all(await asyncio.gather(*(users.set_setting(USER_ID, k, k) for k in keys)))
    record = await users.get(USER_ID)
    assert record is not None
    assert record.settings == {k: k for k in keys}
