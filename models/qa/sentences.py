"""Answer-sentence selection: the cheap baseline for the reader.

Picks the passage sentence sharing the most content words with the question. Its "answer"
is the whole sentence, so its SQuAD EM is near zero by design; what it is worth is how often
the sentence holds the answer, and its F1 against the reader's on the same questions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from models.qa.answer import Answer

# A sentence ends at . ! or ? (possibly closed by quotes/brackets) followed by whitespace and
# an upper-case letter, digit or opening quote. Initials ("J. R. R.") and a few common
# abbreviations are not ends.
_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_NOT_AN_END = re.compile(r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|vs|No|Co|Inc|Ltd|U\.S))\.$")
_WORD = re.compile(r"\w+")
_STOPWORD_TEXT = """
    a an the of in on at to for from by with as and or but is are was were be been being
    do does did has have had what which who whom whose when where why how many much that this
    these those it its they them their he she his her there than then into about over under
    name named can could would should will shall may might one any some not no"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences of ``text``, whitespace trimmed."""
    spans, start = [], 0
    for match in _END.finditer(text):
        end = match.start() + 1
        if _NOT_AN_END.search(text[start:end]):
            continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    trimmed = []
    for first, last in spans:
        s, e = first, last
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            trimmed.append((s, e))
    return trimmed


def content_words(text: str) -> set[str]:
    """Lower-cased words minus stop words, with a plural/verb "s" cut so "wins" meets "win"."""
    words = set()
    for word in _WORD.findall(text.lower()):
        if word in _STOPWORDS:
            continue
        plural = len(word) > 3 and word.endswith("s") and not word.endswith("ss")
        words.add(word[:-1] if plural else word)
    return words


def select_sentence(question: str, passages: Sequence[str]) -> Answer | None:
    """The sentence (over all passages) sharing the largest share of the question's content
    words; the earliest wins ties. ``score`` is that share; None if there are no sentences."""
    wanted = content_words(question)
    best: Answer | None = None
    for p_index, passage in enumerate(passages):
        for start, end in split_sentences(passage):
            shared = len(wanted & content_words(passage[start:end]))
            share = shared / len(wanted) if wanted else 0.0
            if best is None or share > best.score:
                best = Answer(passage[start:end], p_index, start, end, share, 0.0)
    return best
