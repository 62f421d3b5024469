"""Enum slots: fuzzy matching of the user's words against each value's synonyms (rapidfuzz).

Plain edit-distance similarity copes with inflection ("фильмы", "фильмов" → фильм) and typos.
A text is compared as a whole and through its word n-grams, so "давай кино" still finds "кино".
"""

from __future__ import annotations

from collections.abc import Mapping

from rapidfuzz import fuzz

from bot.nlu.extractors.context import Found
from bot.nlu.text import fold, tokenize

# 80 accepts "фильмов" for "фильм" (83) and rejects "кот" for "кино" (57).
SPAN_CUTOFF = 80.0
# Searching a whole sentence has many more chances of a false hit, so it is stricter.
SEARCH_CUTOFF = 86.0


def _choices(values: Mapping[str, Mapping[str, tuple[str, ...]]], lang: str) -> dict[str, str]:
    """Folded synonym → canonical value; the requested language first, then the others."""
    choices: dict[str, str] = {}
    ordered = [lang, *sorted(other for other in values if other != lang)]
    for language in ordered:
        for canonical, synonyms in values.get(language, {}).items():
            for phrase in (canonical, *synonyms):
                choices.setdefault(fold(phrase).strip(), canonical)
    return choices


def match_enum(
    text: str, values: Mapping[str, Mapping[str, tuple[str, ...]]], lang: str
) -> str | None:
    """The canonical value a span names, or None when nothing is close enough."""
    found = find_enum(text, values, lang, cutoff=SPAN_CUTOFF)
    return str(found.value) if found is not None else None


def find_enum(
    text: str,
    values: Mapping[str, Mapping[str, tuple[str, ...]]],
    lang: str,
    cutoff: float = SEARCH_CUTOFF,
) -> Found | None:
    """The best-scoring synonym among the text and its word n-grams, with its offsets."""
    choices = _choices(values, lang)
    tokens = [token for token in tokenize(text) if token.text[0].isalnum()]
    if not choices or not tokens:
        return None
    best: tuple[float, int, int, str] | None = None
    for phrase, canonical in choices.items():
        width = len(phrase.split())
        for first in range(len(tokens)):
            last = first + width - 1
            if last >= len(tokens):
                break
            start, end = tokens[first].start, tokens[last].end
            score = fuzz.ratio(fold(text[start:end]), phrase)
            # Ties go to the earlier, then longer match; a later equal score never replaces it.
            if score >= cutoff and (best is None or score > best[0]):
                best = (score, start, end, canonical)
    if best is None:
        return None
    return Found(best[3], best[1], best[2])
