"""Documents through the Telegram emulator: a file without a caption is kept and answered with
what the plugins can do with it; ``ctx.document()`` finds it on the next message; photos the
same with ``ctx.photo()``; the message recorded keeps its file's reference."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.channels.emulator import ANNA_USER_ID, BORIS_USER_ID
from bot.events import Attachment, attachment_from_json
from bot.storage.tables import MessageRow
from tests.e2e.harness import make_settings
from tests.e2e.test_telegram_path import _reply, telegram_sova

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4 + b"\xff\xd9"
PLUGINS = ("smalltalk", "account", "tests.e2e.fixtures.file_reader")


async def test_a_file_first_then_what_to_do_with_it(tmp_path: Path, nlu_cache: Path) -> None:
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}"
    settings = make_settings(tmp_path, db_url=db_url, nlu_cache=nlu_cache, plugins=PLUGINS)
    async with telegram_sova(settings, tmp_path) as emulator:
        emulator.user_sends_text(ANNA_USER_ID, "/rows")
        await _reply(emulator, ANNA_USER_ID, "no file")

        emulator.user_sends_document(ANNA_USER_ID, b"month,sales\n2026-01,5\n", "sales.csv")
        hint = await _reply(emulator, ANNA_USER_ID, "Получил sales.csv")  # Anna speaks Russian
        assert "• /rows посчитает в нём строки" in hint["text"]
        emulator.user_sends_text(ANNA_USER_ID, "/rows")
        await _reply(emulator, ANNA_USER_ID, "sales.csv: 2 rows")

        # Another user's file is not Anna's; a file no plugin takes is said to be unusable.
        emulator.user_sends_text(BORIS_USER_ID, "/rows")
        await _reply(emulator, BORIS_USER_ID, "no file")
        emulator.user_sends_document(BORIS_USER_ID, b"day,n\n", "days.csv")
        english = await _reply(emulator, BORIS_USER_ID, "Got days.csv")
        assert "• /rows counts its rows" in english["text"]
        emulator.user_sends_document(BORIS_USER_ID, b"\x00\x01", "photo.raw")
        await _reply(emulator, BORIS_USER_ID, "nothing to do with this kind of file")

        # A photo without a caption: the same, with ctx.photo().
        emulator.user_sends_photo(BORIS_USER_ID, JPEG)
        photo_hint = await _reply(emulator, BORIS_USER_ID, "Got the photo")
        assert "• /photo_size weighs it" in photo_hint["text"]
        emulator.user_sends_text(BORIS_USER_ID, "/photo_size")
        await _reply(emulator, BORIS_USER_ID, f"photo of {len(JPEG)} bytes")
        emulator.user_sends_text(ANNA_USER_ID, "/photo_size")
        await _reply(emulator, ANNA_USER_ID, "no photo")

    # The interaction log keeps each file's reference (a replayed turn needs it again).
    stored = await _stored_attachments(db_url)
    assert [(a.file_name, a.size) for a in stored] == [
        ("sales.csv", 22),
        ("days.csv", 6),
        ("photo.raw", 2),
        (None, len(JPEG)),
    ]


async def _stored_attachments(url: str) -> list[Attachment]:
    from bot.storage import Database

    db = Database(url)
    try:
        async with db.session() as session:
            stored = await session.scalars(
                select(MessageRow.attachment)
                .where(MessageRow.attachment.is_not(None))
                .order_by(MessageRow.id)
            )
            return [a for a in map(attachment_from_json, stored) if a is not None]
    finally:
        await db.dispose()
