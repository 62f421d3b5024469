"""Plain reply text → Telegram HTML parts that fit Telegram's length limits.

Telegram counts a message's length after entity parsing, so the plain text is split first and
each part escaped afterwards (``&lt;`` costs one character, not four). Lengths are measured in
UTF-16 code units, as Telegram measures them: an emoji outside the BMP counts twice.
"""

from __future__ import annotations

import html
import re

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024

# The end of a sentence: terminal punctuation, optional closing quotes/brackets, then a space.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”’)\]]*(?=\s)")
_WHITESPACE = re.compile(r"\s")


def escape(text: str) -> str:
    """Escape plain text for ``parse_mode=HTML`` (``<``, ``>`` and ``&``)."""
    return html.escape(text, quote=False)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(
    text: str, limit: int = MESSAGE_LIMIT, *, first_limit: int | None = None
) -> list[str]:
    """Split ``text`` into non-empty parts of at most ``limit`` (the first at most
    ``first_limit``, e.g. a caption) — at paragraph or sentence ends, else line breaks, else
    between words, else hard."""
    parts: list[str] = []
    rest = text.strip()
    current = first_limit if first_limit is not None else limit
    while rest:
        if utf16_len(rest) <= current:
            parts.append(rest)
            break
        cut = _cut_point(rest, _fit(rest, current))
        part, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if part:
            parts.append(part)
        current = limit
    return parts


def _fit(text: str, limit: int) -> int:
    """The largest index ``end`` such that ``text[:end]`` fits in ``limit`` UTF-16 units."""
    end = min(len(text), limit)
    while end > 0 and utf16_len(text[:end]) > limit:
        # Each astral character costs one extra unit; step back by the overshoot.
        end -= max(1, (utf16_len(text[:end]) - limit + 1) // 2)
    return max(end, 1)


def _cut_point(text: str, end: int) -> int:
    """Where to end the part that must fit in ``text[:end]``; always in ``1..end``."""
    # A boundary in the first half would leave a stub part; prefer a weaker boundary later on.
    floor = end // 2
    window = text[: end + 1]  # one more: whitespace right after the limit is a boundary too
    paragraph = window.rfind("\n\n", 0, end)
    if paragraph >= floor and paragraph > 0:
        return paragraph
    sentence_ends = [m.end() for m in _SENTENCE_END.finditer(window) if m.end() <= end]
    if sentence_ends and sentence_ends[-1] >= floor:
        return sentence_ends[-1]
    line = window.rfind("\n", 0, end + 1)
    if line >= floor and line > 0:
        return line
    spaces = [m.start() for m in _WHITESPACE.finditer(window)]
    if spaces and spaces[-1] >= floor and spaces[-1] > 0:
        return spaces[-1]
    return end
