"""Question answering through the real aiogram client and the local Bot API emulator:
uploads with progress, answers with sources and buttons, feedback, refusals, /kb."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import func, select

from bot.app import Sova
from bot.channels.emulator import ADMIN_USER_ID, ANNA_USER_ID, BORIS_USER_ID, EmulatorServer
from bot.config import Settings
from bot.launch import telegram_channel
from bot.storage import FeedbackRow, MessageRow, ReplyRow
from plugins.qa import QuestionAnswering
from plugins.qa.tables import QaDocumentRow
from tests.e2e.harness import make_settings
from tests.e2e.people import Person, buttons_of, text_of

LIGHTHOUSE = (Path(__file__).parent / "fixtures" / "lighthouse.md").read_bytes()
TITLE = "Lighthouse keeping"


def qa_settings(tmp_path: Path, nlu_cache: Path, *, builtin_docs: bool) -> Settings:
    return make_settings(
        tmp_path,
        db_url=f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}",
        nlu_cache=nlu_cache,
        plugins=("smalltalk", "account", "reminders", "qa"),
        extra_env={
            "SOVA_ADMIN__USERS": str(ADMIN_USER_ID),
            # The reader is tested on its own (tests/plugins/qa/test_packaged_reader.py);
            # here answers are sentences, whatever the shipped weights are worth.
            "SOVA_PLUGINS__QA__USE_READER": "false",
            "SOVA_PLUGINS__QA__BUILTIN_DOCS": str(builtin_docs).lower(),
        },
    )


@asynccontextmanager
async def qa_sova(
    settings: Settings, tmp_path: Path
) -> AsyncIterator[tuple[Sova, EmulatorServer]]:
    async with EmulatorServer(data_dir=tmp_path / "emulator") as emulator:
        channel = telegram_channel(settings, token=emulator.token, api_url=emulator.url)
        async with Sova(settings, [channel]) as app:
            yield app, emulator


async def _documents(app: Sova) -> int:
    async with app.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(QaDocumentRow)) or 0)


async def test_documents_questions_and_feedback(tmp_path: Path, nlu_cache: Path) -> None:
    settings = qa_settings(tmp_path, nlu_cache, builtin_docs=False)
    async with qa_sova(settings, tmp_path) as (app, emulator):
        admin = Person(emulator, ADMIN_USER_ID)
        anna = Person(emulator, ANNA_USER_ID)
        boris = Person(emulator, BORIS_USER_ID)

        # An administrator's document is indexed, with a progress message first.
        before = admin.last()
        added = await admin.sends_file(LIGHTHOUSE, "lighthouse.md", "Added #")
        progress = await admin.expect("Indexing lighthouse.md", before)
        assert progress["message_id"] < added["message_id"]
        assert f"«{TITLE}»: 3 passages" in text_of(added)

        # An English question: the sentence with the answer, its source, and buttons.
        answer = await anna.says("Who built the Old Harbour lighthouse?", "Thomas Reid")
        assert f"📄 {TITLE} · confidence" in text_of(answer)
        assert list(buttons_of(answer)) == ["👍", "👎", "More ▸"]

        # A Russian question over the English passage: the English sentence, Russian frame.
        russian = await anna.says("На каком расстоянии виден свет маяка?", "22 nautical miles")
        assert "уверенность" in text_of(russian)

        # No answer in the documents: said so, nothing invented.
        await anna.says("What is the capital of France?", "I don't know")

        # 👍 is stored with the question's trace and the answer's reply.
        await anna.presses(answer, "👍", "Thanks!")
        async with app.db.session() as session:
            feedback = (await session.scalars(select(FeedbackRow))).one()
            question = await session.scalar(
                select(MessageRow.text).where(MessageRow.trace_id == feedback.trace_id)
            )
            reply = await session.get(ReplyRow, feedback.reply_id)
        assert (feedback.kind, feedback.value, feedback.user_id) == (
            "qa.answer",
            1.0,
            ANNA_USER_ID,
        )
        assert question == "Who built the Old Harbour lighthouse?"
        assert reply is not None and "Thomas Reid" in reply.text

        # "More" shows the other passages.
        more = await anna.presses(answer, "More ▸", "More from the knowledge base")
        assert text_of(more).count(f"📄 {TITLE}") == 2

        # A binary file named .txt is refused and nothing is stored; so is a repeat.
        await admin.sends_file(
            b"\x89PNG\r\n\x1a\n\x00\x00" * 64, "notes.txt", "does not look like"
        )
        await admin.sends_file(LIGHTHOUSE, "lighthouse.md", "already in the knowledge base")
        assert await _documents(app) == 1
        listing = await admin.says("/kb list", "Documents in the knowledge base (1)")
        assert f"#1 {TITLE} — 3 passages" in text_of(listing)

        # Only administrators add documents; /kb is theirs too.
        await boris.sends_file(LIGHTHOUSE, "mine.md", "Only administrators can add documents")
        await boris.says("/kb list", "for administrators only")
        assert await _documents(app) == 1

        await admin.says("/kb remove 1", f"Removed #1 «{TITLE}»")
        assert await _documents(app) == 0
        await anna.says("Who built the Old Harbour lighthouse?", "I don't know")


async def test_sovas_own_docs_answer_out_of_the_box(tmp_path: Path, nlu_cache: Path) -> None:
    settings = qa_settings(tmp_path, nlu_cache, builtin_docs=True)
    async with qa_sova(settings, tmp_path) as (app, emulator):
        assert app.registry is not None
        plugin = app.registry.plugins["qa"]
        assert isinstance(plugin, QuestionAnswering)
        await plugin.synced()
        anna = Person(emulator, ANNA_USER_ID)
        answer = await anna.says("how do I set a reminder?", "💡")
        assert "remind me" in text_of(answer)
        voice = await anna.says("как включить голосовые ответы?", "💡")
        assert "/voice on" in text_of(voice)
        await anna.says("/ask how do I change my time zone?", "/timezone Europe/Berlin")

        # Re-indexing finds nothing changed; /kb add alone says what to send.
        admin = Person(emulator, ADMIN_USER_ID)
        await admin.says("/kb add", "Send me the document as a file")
        done = await admin.says("/kb reindex", "Re-indexed:")
        assert "0 added, 0 updated" in text_of(done) and "0 removed" in text_of(done)
