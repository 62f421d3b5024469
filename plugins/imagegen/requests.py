"""Reading what the user asked for: prompt, size, count, seed, upscale factor, landscape."""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.imagegen.terrain import RUGGEDNESS, WATER

# A prompt about land (or water) can be drawn offline as a relief picture.
LANDSCAPE_WORDS: tuple[str, ...] = (
    "пейзаж", "ландшафт", "рельеф", "местност", "landscape", "terrain", "relief", "scenery",
    *(stem for stems, _ in RUGGEDNESS for stem in stems),
    *WATER,
)  # fmt: skip
# "768x512" anywhere; a lone number only after a size word ("размер 512"), so "seed 42" or
# "4 варианта" are never read as a size.
_SIZE_PAIR = re.compile(r"\b(\d{2,4})\s*[x×х*]\s*(\d{2,4})\b")
_SIZE_SIDE = re.compile(r"(?:size|размер\w*|side|сторон\w*)\D{0,4}(\d{2,4})\b", re.IGNORECASE)
_COUNT = re.compile(
    r"(\d{1,2})\s*(?:вариант|картин|изображ|рисун|штук|шт\b|version|variant|image|picture|pic)\w*",
    re.IGNORECASE,
)
_SEED = re.compile(r"(?:seed|сид|зерно)\D{0,3}(\d{1,10})", re.IGNORECASE)
_FACTOR = re.compile(r"(?:[x×х]\s*(\d{1,3})\b|\b(\d{1,3})\s*(?:раз|times|[x×х])(?!\w))", re.I)
_THINGS = r"вариант|картин|изображ|рисун|version|variant|image|picture"
_COUNT_WORDS = {"два": 2, "две": 2, "три": 3, "четыре": 4, "two": 2, "three": 3, "four": 4,
                "пару": 2, "couple": 2}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Size:
    width: int
    height: int


def is_landscape(prompt: str) -> bool:
    words = re.findall(r"\w+", prompt.lower().replace("ё", "е"))
    return any(word.startswith(stem) for word in words for stem in LANDSCAPE_WORDS)


def parse_size(text: str | None) -> Size | None:
    """ "768x512" → 768×512, "512" → 512×512; None when no size is written."""
    if not text:
        return None
    pair = _SIZE_PAIR.search(text)
    if pair is not None:
        return Size(int(pair.group(1)), int(pair.group(2)))
    side = _SIZE_SIDE.search(text) or re.fullmatch(r"\s*(\d{2,4})\s*", text)
    return Size(int(side.group(1)), int(side.group(1))) if side else None


def requested_count(slot: float | None, text: str) -> int | None:
    if slot is not None:
        return int(slot)
    found = _COUNT.search(text)
    if found:
        return int(found.group(1))
    lowered = text.lower()
    for word, value in _COUNT_WORDS.items():
        if re.search(rf"\b{word}\b\s+(?:{_THINGS})", lowered):
            return value
    return None


def requested_seed(slot: float | None, text: str) -> int | None:
    if slot is not None:
        return int(slot)
    found = _SEED.search(text)
    return int(found.group(1)) if found else None


def requested_factor(slot: float | None, text: str) -> int | None:
    """The upscale factor from the slot, else "x4" / "в 4 раза" / "4x" in the text."""
    if slot is not None:
        return int(slot)
    found = _FACTOR.search(text)
    if found is None:
        return None
    return int(found.group(1) or found.group(2))


def clean_prompt(prompt: str) -> str:
    """The prompt without the options written into it ("seed 42", "4 варианта")."""
    cleaned = _SEED.sub("", prompt)
    cleaned = _COUNT.sub("", cleaned)
    cleaned = _SIZE_SIDE.sub("", _SIZE_PAIR.sub("", cleaned))
    return re.sub(r"\s{2,}", " ", cleaned).strip(" ,.;:-")
