"""How messages reach the plugin: the fallback's "is this a question", document uploads,
and the throttled progress of long indexing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast
from zoneinfo import ZoneInfo

import pytest

from bot.events import Attachment, InboundMessage, MessageKind
from bot.plugins import Context, PluginRuntime, TurnRejected
from bot.progress import ProgressMessage
from bot.storage import UserRecord
from plugins.qa import QuestionAnswering, is_a_question
from plugins.qa.background import ThrottledProgress, percent
from plugins.qa.config import QaConfig


@pytest.mark.parametrize(
    ("text", "alternatives", "expected"),
    [
        ("what is the capital of canada", (("ask_question", 0.32),), True),
        ("Who painted the Mona Lisa?", (), True),
        ("can you set an alarm?", (("set_reminder", 0.41), ("ask_question", 0.18)), False),
        ("i'm bored", (("goodbye", 0.03),), False),
        ("my car broke down", (), False),
    ],
)
def test_a_question_is_told_from_other_unclear_messages(
    text: str, alternatives: tuple[tuple[str, float], ...], expected: bool
) -> None:
    assert is_a_question(text, alternatives) is expected


def _context(message: InboundMessage, *, is_admin: bool) -> Context:
    plugin = QuestionAnswering(cast(PluginRuntime, object()), QaConfig())
    user = UserRecord(id=message.user_id, lang="en", timezone=None, role="user")
    return Context(
        plugin, message, user, "en", ZoneInfo("UTC"), datetime.now(UTC), is_admin=is_admin
    )


def _document(
    caption: str = "", name: str = "notes.md", mime: str | None = None
) -> InboundMessage:
    return InboundMessage(
        chat_id=5,
        user_id=5,
        channel="test",
        kind=MessageKind.DOCUMENT,
        text=caption,
        attachment=Attachment(ref="file-1", file_name=name, mime_type=mime, size=100),
    )


@pytest.mark.parametrize("caption", ["", "/kb add", "here is the handbook"])
async def test_an_administrators_document_becomes_kb_add(caption: str) -> None:
    ctx = _context(_document(caption), is_admin=True)
    routed = await ctx.plugin.route_upload(ctx)  # type: ignore[attr-defined]
    assert routed is not None
    assert routed.text == "/kb add" and routed.attachment == ctx.message.attachment


@pytest.mark.parametrize("caption", ["", "/kb add"])
async def test_anyone_elses_upload_is_refused(caption: str) -> None:
    ctx = _context(_document(caption), is_admin=False)
    with pytest.raises(TurnRejected, match="Only administrators"):
        await ctx.plugin.route_upload(ctx)  # type: ignore[attr-defined]


@pytest.mark.parametrize("is_admin", [True, False])
@pytest.mark.parametrize("caption", ["", "/rec import", "forecast the next 6 months"])
async def test_files_the_knowledge_base_cannot_read_are_left_to_other_plugins(
    is_admin: bool, caption: str
) -> None:
    # Phones often send a CSV as text/plain: its name, not its MIME type, decides.
    for name, mime in [("sales.csv", "text/plain"), ("report.xlsx", None)]:
        ctx = _context(_document(caption, name, mime), is_admin=is_admin)
        assert await ctx.plugin.route_upload(ctx) is None  # type: ignore[attr-defined]


async def test_anyone_elses_captioned_document_is_read_as_its_caption() -> None:
    ctx = _context(_document("hello"), is_admin=False)
    assert await ctx.plugin.route_upload(ctx) is None  # type: ignore[attr-defined]
    text = InboundMessage(chat_id=5, user_id=5, channel="test", text="hello")
    ctx = _context(text, is_admin=True)
    assert await ctx.plugin.route_upload(ctx) is None  # type: ignore[attr-defined]


class _Progress:
    def __init__(self) -> None:
        self.shown: list[str] = []

    async def update(self, text: str) -> bool:
        self.shown.append(text)
        return True


async def test_progress_is_edited_at_most_every_interval_and_not_at_the_end() -> None:
    now = [0.0]
    message = _Progress()
    progress = ThrottledProgress(
        cast(ProgressMessage, message),
        lambda done, total: f"{percent(done, total)}%",
        min_interval_s=1.5,
        clock=lambda: now[0],
    )
    await progress(0, 10)  # right after the progress message was sent
    now[0] = 2.0
    await progress(4, 10)
    now[0] = 2.5
    await progress(6, 10)  # too soon
    now[0] = 5.0
    await progress(10, 10)  # the final reply says it
    assert message.shown == ["40%"]
