"""Which Bot API calls a reply becomes (no network: ``plan`` only builds them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import (
    EditMessageText,
    SendAudio,
    SendDocument,
    SendMessage,
    SendPhoto,
    SendVoice,
    TelegramMethod,
)
from aiogram.types import FSInputFile, InlineKeyboardMarkup

from bot.channels.telegram_retry import DeliveryRejected
from bot.channels.telegram_send import plan
from bot.events import Button, OutboundReply

BUTTONS = ((Button(text="Yes", data="c:yes"), Button(text="No", data="c:no")),)


def attr(call: TelegramMethod[Any], name: str) -> Any:
    """A field of a planned call (``plan`` returns calls of several method types)."""
    return getattr(call, name)


def reply(text: str = "", **fields: object) -> OutboundReply:
    return OutboundReply(chat_id=5, user_id=5, channel="telegram", text=text, **fields)  # type: ignore[arg-type]


def test_text_is_escaped_html() -> None:
    [call] = plan(reply("1 < 2 & 3 > 2"))
    assert isinstance(call, SendMessage)
    assert call.text == "1 &lt; 2 &amp; 3 &gt; 2"
    assert call.parse_mode == "HTML"
    assert call.chat_id == 5


def test_long_text_becomes_several_messages_with_buttons_on_the_last() -> None:
    calls = plan(reply("Sentence number one is here. " * 400, buttons=BUTTONS))
    assert len(calls) == 3
    assert all(isinstance(c, SendMessage) for c in calls)
    assert all(attr(c, "reply_markup") is None for c in calls[:-1])
    markup = attr(calls[-1], "reply_markup")
    assert isinstance(markup, InlineKeyboardMarkup)
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [
        ["c:yes", "c:no"]
    ]


def test_edit() -> None:
    [call] = plan(reply("Done ✓", edit_external_message_id="77", buttons=BUTTONS))
    assert isinstance(call, EditMessageText)
    assert call.message_id == 77
    assert call.text == "Done ✓"
    assert call.reply_markup is not None


@pytest.mark.parametrize(
    ("kind", "method"),
    [("photo", SendPhoto), ("voice", SendVoice), ("audio", SendAudio), ("document", SendDocument)],
)
def test_files_with_caption(
    tmp_path: Path,
    kind: str,
    method: type,
) -> None:
    file = tmp_path / "f.bin"
    file.write_bytes(b"x")
    [call] = plan(reply("<caption>", kind=kind, file_path=str(file)))
    assert isinstance(call, method)
    assert attr(call, "caption") == "&lt;caption&gt;"
    assert isinstance(getattr(call, kind), FSInputFile)


def test_long_caption_continues_in_a_message(tmp_path: Path) -> None:
    file = tmp_path / "chart.png"
    file.write_bytes(b"png")
    calls = plan(reply("Chart notes. " * 150, kind="photo", file_path=str(file), buttons=BUTTONS))
    assert [type(c) for c in calls] == [SendPhoto, SendMessage]
    assert len(attr(calls[0], "caption") or "") <= 1024
    assert attr(calls[0], "reply_markup") is None
    assert attr(calls[1], "reply_markup") is not None


def test_file_without_text_has_no_caption(tmp_path: Path) -> None:
    file = tmp_path / "a.ogg"
    file.write_bytes(b"ogg")
    [call] = plan(reply(kind="voice", file_path=str(file)))
    assert attr(call, "caption") is None


def test_missing_file_and_empty_reply_are_rejected_clearly() -> None:
    with pytest.raises(DeliveryRejected, match="not found"):
        plan(reply("x", kind="photo", file_path="/nonexistent/a.png"))
    with pytest.raises(DeliveryRejected, match="nothing to send"):
        plan(reply("   "))
    with pytest.raises(DeliveryRejected, match="64 bytes"):
        plan(reply("x", buttons=((Button(text="b", data="x" * 65),),)))
