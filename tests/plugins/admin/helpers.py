"""Small things the admin tests share: people, button presses, rows."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.config import Settings
from bot.events import InboundMessage, MessageKind
from bot.storage import AuditRow, Database, UserDirectory
from tests.e2e.harness import Chat, make_settings

ADMIN = 99  # an administrator by config ([admin] users)
PLUGINS = ("smalltalk", "account", "reminders", "admin")


def admin_settings(
    tmp_path: Path, nlu_cache: Path, *, db_url: str | None = None, **options: str
) -> Settings:
    """Settings with the admin plugin; ``options`` become ``[plugins.admin]`` values."""
    env = {"SOVA_ADMIN__USERS": str(ADMIN)}
    env.update({f"SOVA_PLUGINS__ADMIN__{key.upper()}": value for key, value in options.items()})
    return make_settings(
        tmp_path,
        db_url=db_url or f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}",
        nlu_cache=nlu_cache,
        plugins=PLUGINS,
        extra_env=env,
    )


async def add_user(
    db: Database,
    user_id: int,
    *,
    username: str | None = None,
    display_name: str | None = None,
    chat_id: int | None = None,
    chat_type: str = "private",
    channel: str = "terminal",
) -> None:
    """A person Sova has met (a users row, and a chats row for where they wrote)."""
    message = InboundMessage(
        chat_id=user_id if chat_id is None else chat_id,
        user_id=user_id,
        channel=channel,
        chat_type=chat_type,
        username=username,
        display_name=display_name,
        lang="en",
    )
    await UserDirectory(db).touch(message)


async def press(chat: Chat, data: str, *, user_id: int = ADMIN) -> None:
    """Press an inline button (as Telegram would send it); wait for it with chat.wait_for."""
    await chat.app.submit(
        InboundMessage(
            chat_id=user_id,
            user_id=user_id,
            channel="terminal",
            kind=MessageKind.CALLBACK,
            callback_data=data,
        )
    )


async def audit_rows(db: Database) -> list[tuple[int, str, str | None]]:
    async with db.session() as session:
        rows = await session.scalars(select(AuditRow).order_by(AuditRow.id))
        return [(r.actor_id, r.action, r.target) for r in rows]


async def actions(db: Database, prefixes: Sequence[str]) -> list[tuple[str, Any]]:
    """(action, target) of audit rows whose action starts with one of ``prefixes``."""
    return [
        (action, target)
        for _, action, target in await audit_rows(db)
        if action.startswith(tuple(prefixes))
    ]
