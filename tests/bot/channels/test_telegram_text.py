"""Splitting reply text at Telegram's limits, and escaping it for HTML parse mode."""

from __future__ import annotations

import html

import pytest

from bot.channels.telegram_text import (
    CAPTION_LIMIT,
    MESSAGE_LIMIT,
    escape,
    split_text,
    utf16_len,
)


def words(text: str) -> list[str]:
    return text.split()


def test_short_text_is_one_part() -> None:
    assert split_text("Привет!") == ["Привет!"]


def test_exactly_the_limit_is_one_part() -> None:
    text = "a" * MESSAGE_LIMIT
    assert split_text(text) == [text]
    assert len(split_text(text + "b")) == 2


def test_splits_at_a_sentence_end() -> None:
    sentence = "This is a sentence of moderate length. "
    text = sentence * 200  # ~7800 characters
    parts = split_text(text)
    assert len(parts) == 2
    assert all(len(p) <= MESSAGE_LIMIT for p in parts)
    assert parts[0].endswith(".")
    assert parts[1].startswith("This is")
    assert words(" ".join(parts)) == words(text)


def test_cyrillic_sentences() -> None:
    text = "Напомню вам завтра в девять утра о встрече с коллегами! " * 150
    parts = split_text(text)
    assert len(parts) == 3
    assert all(0 < len(p) <= MESSAGE_LIMIT for p in parts)
    assert all(p.endswith("!") for p in parts)
    assert words(" ".join(parts)) == words(text)


def test_ten_thousand_characters_without_sentences_split_between_words() -> None:
    text = " ".join(["слово"] * 1667)[:10_000]
    parts = split_text(text)
    assert len(parts) == 3
    assert all(0 < len(p) <= MESSAGE_LIMIT for p in parts)
    assert words(" ".join(parts)) == words(text)  # no word cut in two


def test_one_huge_word_is_cut_hard() -> None:
    text = "x" * 10_000
    parts = split_text(text)
    assert [len(p) for p in parts] == [4096, 4096, 1808]
    assert "".join(parts) == text


def test_prefers_paragraph_breaks() -> None:
    first = "First paragraph. " * 150  # ~2550 characters
    second = "Second paragraph. " * 150
    parts = split_text(first.strip() + "\n\n" + second.strip())
    assert parts == [first.strip(), second.strip()]


def test_no_empty_parts() -> None:
    assert split_text("") == []
    assert split_text("   \n\n  ") == []
    text = ("a" * 4000 + "\n\n\n\n   ") * 3
    parts = split_text(text)
    assert parts == ["a" * 4000] * 3


def test_a_sentence_end_does_not_leave_a_stub() -> None:
    # The only sentence end is near the start: cut between words further on instead.
    text = "Hi. " + "word " * 1000
    parts = split_text(text)
    assert len(parts[0]) > MESSAGE_LIMIT // 2


def test_caption_limit_for_the_first_part() -> None:
    text = "Подпись к фото. " * 200  # 3200 characters
    parts = split_text(text, first_limit=CAPTION_LIMIT)
    assert len(parts[0]) <= CAPTION_LIMIT
    assert all(len(p) <= MESSAGE_LIMIT for p in parts[1:])
    assert len(parts) == 2
    assert words(" ".join(parts)) == words(text)


def test_emoji_count_twice_like_telegram_counts_them() -> None:
    text = "😀" * 3000  # 6000 UTF-16 code units
    parts = split_text(text)
    assert len(parts) == 2
    assert all(utf16_len(p) <= MESSAGE_LIMIT for p in parts)
    assert "".join(parts) == text


@pytest.mark.parametrize(
    ("plain", "escaped"),
    [
        ("a < b && c > d", "a &lt; b &amp;&amp; c &gt; d"),
        ("<b>not bold</b>", "&lt;b&gt;not bold&lt;/b&gt;"),
        ('it\'s "quoted"', 'it\'s "quoted"'),
        ("&amp; stays literal", "&amp;amp; stays literal"),
    ],
)
def test_escape(plain: str, escaped: str) -> None:
    assert escape(plain) == escaped
    assert html.unescape(escape(plain)) == plain


def test_splitting_happens_before_escaping() -> None:
    # 4096 "<" are one message: Telegram counts them after entity parsing.
    text = "<" * MESSAGE_LIMIT
    assert len(split_text(text)) == 1
    assert escape(split_text(text)[0]) == "&lt;" * MESSAGE_LIMIT
