"""Finding the item a user means by a title they typed: "like Dune", "похожее на Дюну".

Titles are compared in both languages after folding case and "ё" and cutting Russian case
endings off each word ("Дюну" → "дюн", "Матрицу" → "матриц"), so the inflected title a
sentence holds still matches. A series title matches its main part too ("Властелин колец"
finds "Властелин колец: Братство кольца").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz

from bot.nlu.text import fold
from plugins.recommend.store import Item

# 82 accepts "матрицу" ↔ "матрица" and small typos ("interstelar"), rejects "дом" ↔ "дюна".
CUTOFF = 82.0
PREFIX_MIN = 5
PREFIX_SCORE = 90.0
_WORD = re.compile(r"\w+")
_ENDINGS = re.compile(r"(ами|ями|ого|его|ому|ему|ой|ей|ую|юю|ом|ем|ам|ям|ах|ях|а|я|у|ю|ы|и|е|о)$")


def _stem(word: str) -> str:
    if len(word) > 3 and not word.isascii():
        return _ENDINGS.sub("", word)
    return word


def normalise_title(text: str) -> str:
    return " ".join(_stem(word) for word in _WORD.findall(fold(text)))


def _forms(item: Item) -> Iterable[str]:
    for title in (item.title, item.title_ru):
        if title:
            yield normalise_title(title)
            main = re.split(r"[:(]", title, maxsplit=1)[0]
            if main != title:
                yield normalise_title(main)


def _score(query: str, form: str) -> float:
    # The first words of a long title name it as well ("Гарри Поттер" for the first book).
    score = fuzz.ratio(query, form)
    if len(query) >= PREFIX_MIN and (form + " ").startswith(query + " "):
        return max(score, PREFIX_SCORE)
    return score


def find_title(text: str, items: Sequence[Item], kind: str | None = None) -> Item | None:
    """The item whose title ``text`` names best, or None below ``CUTOFF``; ties go to an
    item of the requested ``kind``, then to the one listed first."""
    query = normalise_title(text)
    if not query:
        return None
    best: tuple[float, int, Item] | None = None
    for item in items:
        score = max((_score(query, form) for form in _forms(item)), default=0.0)
        preference = 1 if kind is not None and item.kind == kind else 0
        if score >= CUTOFF and (best is None or (score, preference) > (best[0], best[1])):
            best = (score, preference, item)
    return best[2] if best else None
