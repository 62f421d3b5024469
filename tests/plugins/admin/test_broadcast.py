"""/broadcast: confirm → everyone once; cancel → no one; a restart mid-way → still once."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from bot.config import Settings
from bot.events import utcnow
from bot.storage import Database, ReplyRow, SchedulerJobRow, UserRow
from plugins.admin.tables import BroadcastRow
from tests.e2e.harness import Chat, running_sova
from tests.plugins.admin.helpers import ADMIN, actions, add_user, admin_settings, press


async def add_people(db: Database, ids: range) -> None:
    for user_id in ids:
        await add_user(db, user_id, username=f"u{user_id}")


async def copies(db: Database, broadcast_id: int) -> Counter[int]:
    """How many copies of the broadcast each chat got (recorded replies)."""
    async with db.session() as session:
        chats = await session.scalars(
            select(ReplyRow.chat_id).where(ReplyRow.trace_id == f"broadcast-{broadcast_id}")
        )
        return Counter(chats)


async def row(db: Database, broadcast_id: int) -> BroadcastRow:
    async with db.session() as session:
        found = await session.get(BroadcastRow, broadcast_id)
        assert found is not None
        return found


async def ask(chat: Chat, text: str) -> int:
    answer = await chat.say(f"/broadcast {text}")
    assert "Send it?" in answer and "[Send]  [Cancel]" in answer
    match = re.search(r"Broadcast #(\d+) to (\d+) users", answer)
    assert match is not None
    return int(match[1])


async def test_confirmed_broadcast_reaches_everyone_once(settings: Settings) -> None:
    async with running_sova(settings, user_id=ADMIN) as chat:
        db = chat.app.db
        await add_people(db, range(1, 5))
        await add_user(db, 5, username="banned")
        await add_user(db, 6, chat_id=-100, chat_type="group")  # never wrote to Sova privately
        assert "is banned" in await chat.say("/users ban 5")
        assert "Usage: /broadcast" in await chat.say("/broadcast")

        broadcast_id = await ask(chat, "Hello everyone")
        assert f"Broadcast #{broadcast_id} to 5 users" in chat.output.getvalue()
        await press(chat, f"admin.bc_send:{broadcast_id}")
        await chat.wait_for(f"Broadcast #{broadcast_id} done: sent 5 of 5, failed 0")
        got = await copies(db, broadcast_id)
        await press(chat, f"admin.bc_send:{broadcast_id}")
        await chat.wait_for(f"Broadcast #{broadcast_id} is already sent")
        audit = await actions(db, ["broadcast."])
    assert got == Counter({1: 1, 2: 1, 3: 1, 4: 1, ADMIN: 1})
    # Once in the question, once per recipient (the terminal prints every chat's replies).
    assert chat.output.getvalue().count("Hello everyone") == 1 + 5
    assert audit == [("broadcast.confirm", f"broadcast:{broadcast_id}")]


async def test_cancelled_broadcast_reaches_no_one(settings: Settings) -> None:
    async with running_sova(settings, user_id=ADMIN) as chat:
        await add_people(chat.app.db, range(1, 4))
        broadcast_id = await ask(chat, "Never mind")
        await press(chat, f"admin.bc_cancel:{broadcast_id}")
        await chat.wait_for(f"Broadcast #{broadcast_id} cancelled: sent 0 of 4")
        await press(chat, f"admin.bc_send:{broadcast_id}")
        await chat.wait_for(f"Broadcast #{broadcast_id} is already cancelled")
        got = await copies(chat.app.db, broadcast_id)
        jobs = await chat.app.scheduler.jobs()
        audit = await actions(chat.app.db, ["broadcast."])
        status = (await row(chat.app.db, broadcast_id)).status
    assert got == Counter() and status == "cancelled"
    assert chat.output.getvalue().count("Never mind") == 1
    assert not [j for j in jobs if j.job == "admin.broadcast_step"]
    assert audit == [("broadcast.cancel", f"broadcast:{broadcast_id}")]


async def crash_effects(db: Database, broadcast: BroadcastRow) -> None:
    """What a crash at the worst moments leaves: the next step's job lost (died before it
    was stored), and the next recipient's copy recorded but the batch not committed."""
    async with db.session() as session:
        await session.execute(
            delete(SchedulerJobRow).where(SchedulerJobRow.id.like("broadcast-%"))
        )
        next_user = await session.scalar(
            select(func.min(UserRow.id)).where(UserRow.id > (broadcast.last_user_id or 0))
        )
        assert next_user is not None
        session.add(
            ReplyRow(
                trace_id=f"broadcast-{broadcast.id}",
                chat_id=next_user,
                channel="terminal",
                kind="text",
                text=broadcast.text,
                payload={},
                status="sent",
                attempts=1,
                created_at=utcnow(),
            )
        )


@pytest.mark.parametrize("crash", [False, True], ids=["stopped", "crashed"])
async def test_broadcast_resumes_after_a_restart(
    tmp_path: Path, nlu_cache: Path, crash: bool
) -> None:
    # 2 messages a second, 6 recipients: three batches of two, about a second each.
    settings = admin_settings(tmp_path, nlu_cache, broadcast_rate_per_s="2")
    async with running_sova(settings, user_id=ADMIN) as chat:
        db = chat.app.db
        await add_people(db, range(1, 6))
        broadcast_id = await ask(chat, "Resumable hello")
        await press(chat, f"admin.bc_send:{broadcast_id}")
        async with asyncio.timeout(10):
            # Nothing to await on but the row: poll until the first batch is committed.
            while (await row(db, broadcast_id)).sent < 2:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
    first_run = chat.output.getvalue()
    stopped = await row(db, broadcast_id)
    assert stopped.status == "sending" and 2 <= stopped.sent < 6
    if crash:
        store = Database(settings.storage.url)
        try:
            await crash_effects(store, stopped)
        finally:
            await store.dispose()

    async with running_sova(settings, user_id=ADMIN) as chat:
        await chat.wait_for(f"Broadcast #{broadcast_id} done: sent 6 of 6, failed 0")
        got = await copies(chat.app.db, broadcast_id)
    assert got == Counter({1: 1, 2: 1, 3: 1, 4: 1, 5: 1, ADMIN: 1})
    printed = first_run + chat.output.getvalue()
    # The copy the crash left recorded as sent was not printed by anyone.
    assert printed.count("Resumable hello") == 1 + 6 - crash
