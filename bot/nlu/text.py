"""Text normalisation, tokenisation and language detection shared by every NLU stage."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")
# Sentence-final punctuation people type out of habit; it carries no meaning for matching.
_TRAILING_PUNCT = ".!?…,;:"
# Times and decimals stay one token ("7:30", "1.5"), so the tagger can label them as a unit.
_TOKEN = re.compile(r"\d+(?:[:.,]\d+)*|[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+|[^\w\s]|_+")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)


def _fold_char(char: str) -> str:
    return "е" if char in "ёЁ" else char.lower()


def normalise_with_map(text: str) -> tuple[str, list[int]]:
    """Normalised text plus, for every character of it, its index in the original.

    Normalisation: lowercase, ё→е, whitespace runs → one space, no leading/trailing spaces and
    no trailing punctuation. The map lets template captures be reported in the user's own text.
    """
    chars: list[str] = []
    origin: list[int] = []
    pending_space = False
    for index, char in enumerate(text):
        if char.isspace():
            pending_space = bool(chars)
            continue
        if pending_space:
            chars.append(" ")
            origin.append(index - 1)
            pending_space = False
        for folded in _fold_char(char):
            chars.append(folded)
            origin.append(index)
    while chars and (chars[-1] in _TRAILING_PUNCT or chars[-1] == " "):
        chars.pop()
        origin.pop()
    return "".join(chars), origin


def normalise(text: str) -> str:
    """See `normalise_with_map`."""
    return normalise_with_map(text)[0]


def fold(text: str) -> str:
    """Lowercase and ё→е only: for comparing words without touching spacing."""
    return "".join(_fold_char(char) for char in text)


def collapse_spaces(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Words, numbers (with their ':'/'.' parts) and single punctuation marks, with offsets."""
    return [Token(match.group(), match.start(), match.end()) for match in _TOKEN.finditer(text)]


def detect_language(text: str, default: str = "en") -> str:
    """'ru' when Cyrillic letters outnumber Latin ones, 'en' when Latin ones win, else `default`.

    Script is a reliable signal for exactly these two languages, and costs nothing.
    """
    cyrillic = len(_CYRILLIC.findall(text))
    latin = len(_LATIN.findall(text))
    if cyrillic == latin == 0:
        return default
    return "ru" if cyrillic >= latin else "en"
