"""Per-token features for the CRF slot tagger."""

from __future__ import annotations

import re
from collections.abc import Sequence

Features = dict[str, str | float | bool]

_UPPER = re.compile(r"[A-ZА-ЯЁ]")
_LOWER = re.compile(r"[a-zа-яё]")
_DIGIT = re.compile(r"\d")
_REPEAT = re.compile(r"(.)\1+")
_WINDOW = (-2, -1, 1, 2)


def word_shape(word: str) -> str:
    """ "Москва" → "Xx", "7:30" → "d:d", "iPhone" → "xXx": capitalisation and digit pattern."""
    shape = _DIGIT.sub("d", _LOWER.sub("x", _UPPER.sub("X", word)))
    return _REPEAT.sub(r"\1", shape)


def _lower(word: str) -> str:
    return word.lower().replace("ё", "е")


def sentence_features(
    words: Sequence[str], clusters: Sequence[str] | None = None, context: str | None = None
) -> list[Features]:
    """Features of each token: the word, its affixes (Russian endings carry case), its shape,
    neighbours up to two tokens away, embedding-cluster ids and the sentence's context (its
    intent) when available."""
    lowered = [_lower(word) for word in words]
    features: list[Features] = []
    for index, word in enumerate(words):
        low = lowered[index]
        token: Features = {
            "bias": 1.0,
            "w": low,
            "p2": low[:2],
            "p3": low[:3],
            "s2": low[-2:],
            "s3": low[-3:],
            "s4": low[-4:],
            "shape": word_shape(word),
            "digit": low.isdigit(),
            "has_digit": bool(_DIGIT.search(low)),
            "title": word[:1].isupper(),
            "len": float(min(len(low), 10)) / 10.0,
        }
        if clusters is not None:
            token["c"] = clusters[index]
        if context is not None:
            token["ctx"] = context
            token["ctx|w"] = f"{context}|{low}"
        for offset in _WINDOW:
            other = index + offset
            if 0 <= other < len(words):
                token[f"{offset}:w"] = lowered[other]
                token[f"{offset}:s3"] = lowered[other][-3:]
                if clusters is not None and abs(offset) == 1:
                    token[f"{offset}:c"] = clusters[other]
            else:
                token[f"{offset}:w"] = "<edge>"
        if index > 0:
            token["-1|w"] = f"{lowered[index - 1]}|{low}"
        if index + 1 < len(words):
            token["w|+1"] = f"{low}|{lowered[index + 1]}"
        features.append(token)
    return features
