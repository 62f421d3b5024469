"""Who people are: the users and chats Sova has seen, with their preferences."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update

from bot.events import InboundMessage, utcnow
from bot.storage import upsert
from bot.storage.database import Database
from bot.storage.records import UserRecord, snapshot
from bot.storage.rowcount import affected_rows
from bot.storage.tables import (
    ChatRow,
    DialogueStateRow,
    FeedbackRow,
    MessageRow,
    ReplyRow,
    UserRow,
)
from bot.storage.vocab import Role


class UserDirectory:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def touch(self, msg: InboundMessage) -> UserRecord:
        """Upsert the sender and the chat from an inbound message; return the user.

        Username and last-seen follow the message; a language is only filled in if none
        is set (the user's explicit choice wins over detection); a display name is kept
        when the channel sends none. Each upsert is one statement, so concurrent first
        messages from the same person cannot collide.
        """
        now = utcnow()
        chat = upsert.insert(self._db.dialect, ChatRow).values(
            id=msg.chat_id, channel=msg.channel, type=msg.chat_type, created_at=now
        )
        # A group becomes a supergroup in place; the type follows.
        chat_upsert = chat.on_conflict_do_update(
            index_elements=[ChatRow.id], set_={"type": chat.excluded.type}
        )
        user = upsert.insert(self._db.dialect, UserRow).values(
            id=msg.user_id,
            channel=msg.channel,
            username=msg.username,
            display_name=msg.display_name,
            lang=msg.lang,
            role=Role.USER.value,
            settings={},
            created_at=now,
            last_seen_at=now,
        )
        user_upsert = user.on_conflict_do_update(
            index_elements=[UserRow.id],
            set_={
                "username": user.excluded.username,
                "display_name": func.coalesce(user.excluded.display_name, UserRow.display_name),
                "lang": func.coalesce(UserRow.lang, user.excluded.lang),
                "last_seen_at": user.excluded.last_seen_at,
            },
        ).returning(UserRow)
        async with self._db.session() as session:
            await session.execute(chat_upsert)
            row = (await session.execute(user_upsert)).scalar_one()
            return snapshot(UserRecord, row)

    async def get(self, user_id: int) -> UserRecord | None:
        async with self._db.session() as session:
            row = await session.get(UserRow, user_id)
            return None if row is None else snapshot(UserRecord, row)

    async def set_lang(self, user_id: int, lang: str | None) -> bool:
        """Set (or with None, forget) the user's language; False if the user is unknown."""
        return await self._update(user_id, lang=lang)

    async def set_timezone(self, user_id: int, timezone: str | None) -> bool:
        """An IANA zone name such as ``Europe/Moscow``; callers validate it."""
        return await self._update(user_id, timezone=timezone)

    async def set_role(self, user_id: int, role: str) -> bool:
        return await self._update(user_id, role=Role(role).value)

    async def set_setting(self, user_id: int, key: str, value: Any) -> bool:
        """Set one key of the user's JSON settings, keeping the others.

        Read-modify-write made safe against a concurrent change of another key: a no-op
        UPDATE first takes the row lock (PostgreSQL) or the write lock (SQLite) before the
        read, so a second writer waits and then reads the first one's result. (A plain
        read first would, on SQLite in WAL mode, fail the second writer at once.)
        """
        where = UserRow.id == user_id
        async with self._db.session() as session:
            locked = await session.execute(
                update(UserRow).where(where).values(settings=UserRow.settings)
            )
            if not affected_rows(locked):
                return False
            current = (await session.execute(select(UserRow.settings).where(where))).scalar_one()
            settings = {**(current or {}), key: value}
            await session.execute(update(UserRow).where(where).values(settings=settings))
        return True

    async def forget(self, user_id: int) -> dict[str, int]:
        """Delete what Sova stored about a user: their messages, the replies in their private
        chat, feedback, dialogue state, the user row and their private chat row. Returns rows
        deleted per table. The audit log is kept: it records what admins did, not the user."""
        deleted: dict[str, int] = {}
        statements = (
            ("feedback", delete(FeedbackRow).where(FeedbackRow.user_id == user_id)),
            ("messages", delete(MessageRow).where(MessageRow.user_id == user_id)),
            # In a private chat the chat id is the user id (Telegram's convention, and ours).
            ("replies", delete(ReplyRow).where(ReplyRow.chat_id == user_id)),
            (
                "dialogue_state",
                delete(DialogueStateRow).where(DialogueStateRow.user_id == user_id),
            ),
            ("chats", delete(ChatRow).where(ChatRow.id == user_id)),
            ("users", delete(UserRow).where(UserRow.id == user_id)),
        )
        async with self._db.session() as session:
            # Feedback may point at replies in this chat from other users' turns.
            await session.execute(
                delete(FeedbackRow).where(
                    FeedbackRow.reply_id.in_(
                        select(ReplyRow.id).where(ReplyRow.chat_id == user_id)
                    )
                )
            )
            for table, statement in statements:
                deleted[table] = affected_rows(await session.execute(statement))
        return deleted

    async def _update(self, user_id: int, **values: Any) -> bool:
        statement = update(UserRow).where(UserRow.id == user_id).values(**values)
        async with self._db.session() as session:
            result = await session.execute(statement)
        return affected_rows(result) > 0
