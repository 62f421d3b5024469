"""Words for lexical matching: lower-case, ё → е, stop words dropped, Snowball stems.

Russian and English words are told apart by script and stemmed with their own Snowball
stemmer, so "напоминания"/"напоминание" and "reminders"/"reminder" match.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

import snowballstemmer  # type: ignore[import-untyped]

_WORD = re.compile(r"[0-9a-z]+|[а-я]+")
_CYRILLIC = re.compile(r"[а-я]")

STOP_WORDS = frozenset(
    """
    a an and are as at be been but by can could do does did for from had has have how i if in
    into is it its me my no not of on or our so such than that the their them then there these
    they this to was we were what when where which while who whom why will with would you your
    а без более бы был была были было быть в вам вас весь во вот все всё вы где да для до его
    ее её если есть еще ещё же за и из или им их к как ко когда кто ли либо мне меня мы на над
    не нет ни но ну о об он она они оно от по под при с со так также то тоже только ты у уже
    чем что чтобы эта эти это этот я
    """.replace("ё", "е").split()
)

_local = threading.local()  # Snowball stemmers keep state: one pair per thread


def _stemmers() -> dict[str, Any]:
    stemmers: dict[str, Any] | None = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = {
            "ru": snowballstemmer.stemmer("russian"),
            "en": snowballstemmer.stemmer("english"),
        }
        _local.stemmers = stemmers
    return stemmers


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    language = "ru" if _CYRILLIC.match(word) else "en"
    return str(_stemmers()[language].stemWord(word))


def tokenize(text: str) -> list[str]:
    """Stems of the content words of ``text``, in order (repeats kept: BM25 counts them)."""
    words = _WORD.findall(text.lower().replace("ё", "е"))
    return [stem(w) for w in words if w not in STOP_WORDS]
