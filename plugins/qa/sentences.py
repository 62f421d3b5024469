"""Sentence splitting for Russian and English text: punctuation rules plus abbreviations.

A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with closing quotes or brackets) followed
by a space and a capital letter, a digit or an opening quote. A full stop after a known
abbreviation ("e.g.", "Dr.", "т.е.", "напр.") or a single letter (initials: "А. С. Пушкин")
does not end one. Hard line breaks always do (lists, transcripts, table rows).
"""

from __future__ import annotations

import re

# Lower-case, without the final full stop. "etc." and "т.д." are left out on purpose: they
# usually end the sentence when a capital letter follows.
ABBREVIATIONS = frozenset(
    {
        # English
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "e.g", "i.e", "cf", "fig",
        "figs", "approx", "inc", "ltd", "co", "corp", "dept", "est", "gen", "gov", "lt",
        "col", "capt", "sgt", "rev", "no", "nos", "vol", "vols", "pp", "ed", "eds", "al",
        "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k",
        "ph.d", "mt", "ft", "op", "ch", "sec",
        # Russian
        "т.е", "т.к", "т.н", "т.ч", "т.о", "др", "пр", "им", "гг", "ул", "стр", "см", "напр",
        "проф", "акад", "доц", "рис", "табл", "руб", "коп", "тыс", "млн", "млрд", "ср", "и.о",
        "тов", "гр", "кв", "пос", "обл", "р-н", "изд", "англ", "рус", "лат", "греч", "франц",
        "нем", "мин", "сек", "ок", "св", "вв", "стб", "прим", "пер",
    }
)  # fmt: skip

_CANDIDATE = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+")
_OPENS_SENTENCE = re.compile(r"[A-ZА-ЯЁ0-9\"'«“(\[—–-]")
_WORD_BEFORE = re.compile(r"([\w.\-]+)\.$")


def _is_abbreviation(text_before: str) -> bool:
    """``text_before`` ends with the full stop in question."""
    match = _WORD_BEFORE.search(text_before)
    if not match:
        return False
    word = match.group(1).lower()
    if len(word) == 1 and word.isalpha():
        return True  # an initial
    return word in ABBREVIATIONS or word.lstrip("(").lower() in ABBREVIATIONS


def _split_line(line: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _CANDIDATE.finditer(line):
        end = match.end()
        if end >= len(line) or not _OPENS_SENTENCE.match(line, end):
            continue
        punctuation = match.group(0).rstrip()
        if punctuation.rstrip("\"'»”’)]") == "." and _is_abbreviation(
            line[start : match.start() + 1]
        ):
            continue
        sentences.append(line[start:end].strip())
        start = end
    tail = line[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, in order, stripped; empty lines give none."""
    return [s for line in text.splitlines() for s in _split_line(line.strip()) if s]
