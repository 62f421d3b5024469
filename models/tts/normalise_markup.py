"""Language-independent cleanup around the spoken text: markup, links, emoji, spacing.

Sova's replies are Telegram HTML or Markdown with bullets and emoji; none of it should be read
aloud, but line breaks and list items should still become pauses.
"""

from __future__ import annotations

import html
import re

# Block tags end a line, so a list item or paragraph becomes its own sentence.
_BLOCK_TAG = re.compile(r"<br\s*/?>|</?(?:p|div|li|ul|ol|h[1-6]|blockquote|pre|tr)\b[^>]*>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][\w-]*(?:\s[^<>]*)?/?>")
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\s]*\)")
_MD_FENCE = re.compile(r"^\s*```.*$", re.M)
_MD_LINE_MARK = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[•●▪◦‣·∙*+\-–—][ \t]+)+", re.M)
_MD_EMPHASIS = re.compile(r"\*\*|__|~~|`")
_URL = re.compile(
    r"(?:https?://|ftp://|www\.)[^\s<>\"«»]*[^\s<>\"«».,;:!?)\]'»]"
    r"|(?<![\w.\-])(?:[a-zа-яё0-9\-]+\.)+(?:com|org|net|ru|io|dev|me|рф|info|app|ai|co|uk|de|tv|su)"
    r"(?:/[^\s<>\"«»]*[^\s<>\"«».,;:!?)\]'»])?(?![\w\-])",
    re.I,
)
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
# Pictographs, dingbats, arrows, variation selectors, ZWJ, keycaps, flags, tags.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U0001fc00-\U0001ffff\u2190-\u21ff\u2300-\u23ff\u2460-\u24ff"
    "\u25a0-\u27bf\u2900-\u297f\u2b00-\u2bff\u3030\u303d\u3297\u3299\ufe00-\ufe0f\u200d\u20e3"
    "\U000e0000-\U000e007f]"
)
_LINE_END_PUNCT = (".", "!", "?", ":", ";", ",", "…")
# What the engines can voice: letters and the punctuation they turn into pauses or intonation.
_UNREADABLE = re.compile(r"[^\w\s.,!?:;()«»\"'’‘“”„…\-–—]")
# Word characters the engines cannot read: superscripts, vulgar fractions, circled digits
# (\w and isdigit(), but num2words does not spell them) and "_" (snake_case, __markup__).
_UNREADABLE_WORD_CHARS = re.compile("[_\u00b2\u00b3\u00b9\u00bc-\u00be\u2070-\u209f\u2150-\u218f]")
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[.,!?:;…)»”])")
_SPACE_AFTER_OPEN = re.compile(r"(?<=[(«„“]) +")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|«\s*»")
# "word,." or "word.," left where a dropped emoji or a line join met punctuation.
_PUNCT_AFTER_PUNCT = re.compile(r"(?<=[.!?…])[,;:]+|[,;:]+(?=[.!?…,;:])")
_LEADING_PUNCT = re.compile(r"^[\s.,;:!?)\-–—]+")


def strip_markup(text: str) -> str:
    """Remove HTML tags and Markdown syntax, keeping the words they wrap."""
    text = _BLOCK_TAG.sub("\n", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_FENCE.sub("", text)
    text = _MD_LINE_MARK.sub("", text)
    return _MD_EMPHASIS.sub("", text)


def replace_links(text: str, link_word: str, email_word: str) -> str:
    """URLs and e-mail addresses become one word: nobody wants them spelled out."""
    text = _EMAIL.sub(email_word, text)
    return _URL.sub(link_word, text)


def drop_emoji(text: str) -> str:
    """Remove emoji and unreadable word characters before the language rules run.

    Early, so a line ending in an emoji still counts as unpunctuated, and "²т.е." still has
    "т.е." standing as a word of its own.
    """
    text = _UNREADABLE_WORD_CHARS.sub(" ", text)
    return _EMOJI.sub(" ", text)


def join_lines(text: str) -> str:
    """One line per sentence: an unpunctuated line (a list item) gets a full stop."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    ended = [
        line if i == len(lines) - 1 or line.endswith(_LINE_END_PUNCT) else line + "."
        for i, line in enumerate(lines)
    ]
    return " ".join(ended)


def drop_unreadable(text: str) -> str:
    """Drop every symbol left that no engine voices (*, $, ~, |, <, ...)."""
    return _UNREADABLE.sub(" ", text)


def tidy_spaces(text: str) -> str:
    """Single spaces, none before closing punctuation, no doubled or leading punctuation."""
    text = _SPACES.sub(" ", text)
    text = _SPACE_BEFORE_PUNCT.sub("", text)
    text = _SPACE_AFTER_OPEN.sub("", text)
    text = _EMPTY_BRACKETS.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _SPACE_BEFORE_PUNCT.sub("", text)
    text = _PUNCT_AFTER_PUNCT.sub("", text)
    return _LEADING_PUNCT.sub("", text).strip()


def collapse_whitespace(text: str) -> str:
    """All the cleanup an unsupported language gets."""
    return _SPACES.sub(" ", text).strip()
