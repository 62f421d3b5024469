"""/users: find people; a banned user gets no answers; a promoted one can use admin commands."""

from __future__ import annotations

from sqlalchemy import select

from bot.config import Settings
from bot.storage import MessageRow, UserDirectory
from tests.e2e.harness import running_sova
from tests.plugins.admin.helpers import ADMIN, actions, add_user

USER = 7


async def test_ban_unban_promote_demote(settings: Settings) -> None:
    async with running_sova(settings, user_id=USER) as chat:
        assert "Hi" in await chat.say("hello")

    async with running_sova(settings, user_id=ADMIN) as chat:
        assert "You can't ban yourself" in await chat.say(f"/users ban {ADMIN}")
        assert f"User {USER} " in await chat.say(f"/users ban {USER}")
        assert "don't know a user 12345" in await chat.say("/users ban 12345")
        assert "Usage: /users" in await chat.say("/users ban")

    async with running_sova(settings, user_id=USER) as chat:
        assert await chat.say("hello") == ""  # recorded, not answered
        assert await chat.say("/help") == ""
        async with chat.app.db.session() as session:
            last = (
                await session.scalars(select(MessageRow).order_by(MessageRow.id.desc()))
            ).first()
        assert last is not None and last.outcome == "rejected"

    async with running_sova(settings, user_id=ADMIN) as chat:
        assert "is unbanned" in await chat.say(f"/users unban {USER}")
        assert "is not banned" in await chat.say(f"/users unban {USER}")
        assert "is now an administrator" in await chat.say(f"/users promote {USER}")

    async with running_sova(settings, user_id=USER) as chat:
        assert "Database (sqlite): OK" in await chat.say("/health")
        # An administrator by role, not by config: may act on others but not demote itself.
        assert "can't take away your own" in await chat.say(f"/users demote {USER}")
        assert "administrator in the config" in await chat.say(f"/users ban {ADMIN}")

    async with running_sova(settings, user_id=ADMIN) as chat:
        assert "is no longer an administrator" in await chat.say(f"/users demote {USER}")
        audit = await actions(chat.app.db, ["users."])

    async with running_sova(settings, user_id=USER) as chat:
        assert "for administrators only" in await chat.say("/health")
    assert audit == [
        ("users.ban", str(USER)),
        ("users.unban", str(USER)),
        ("users.promote", str(USER)),
        ("users.demote", str(USER)),
    ]


async def test_find_by_id_username_and_name(settings: Settings) -> None:
    async with running_sova(settings, user_id=ADMIN) as chat:
        db = chat.app.db
        await add_user(db, 501, username="ivan_p", display_name="Иван Петров")
        await add_user(db, 502, username="anna", display_name="Anna Smith")
        await add_user(db, 503, username="100%_real", display_name=None)
        found = await chat.say("/users find иван")  # any case, also on SQLite
        assert "501 @ivan_p «Иван Петров» — user, terminal" in found
        assert "502" not in found
        assert "502 @anna" in await chat.say("/users find SMITH")
        assert "502 @anna" in await chat.say("/users find 502")
        literal = await chat.say("/users find %_")  # LIKE's wildcards are searched as text
        assert "503 @100%_real" in literal and "501" not in literal
        assert "No user matches" in await chat.say("/users find nobody-like-that")
        assert f"{ADMIN} @" in (config_admin := await chat.say(f"/users find {ADMIN}"))
        assert "(from config)" in config_admin
        assert "is now an administrator" in await chat.say("/users promote @Anna")
        anna = await UserDirectory(db).get(502)
    assert anna is not None and anna.role == "admin"
