"""Numbers written with digits or words ("5", "2,5", "двадцать пять", "forty two")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from number_parser import parse as words_to_digits
from number_parser import parse_ordinal
from number_parser.parser import LanguageData

from bot.nlu.extractors.rewrite import Rewritten

_NUMBER = re.compile(r"(?<![\w.,])-?\d+(?:[.,]\d+)?(?![\w]|[.,]\d)")
# number_parser has no entry for these everyday quantity words.
_EXTRA_WORDS = {"ru": {"пару": "2", "пара": "2", "пары": "2"}, "en": {"couple": "2"}}
# Ordinals ("второе напоминание") are read only when a span is already known to be a number:
# searched for in free text, "a second" would become 2.
_RU_ORDINAL_STEMS = (
    "перв", "втор", "трет", "четверт", "пят", "шест", "седьм", "восьм", "девят", "десят",
)  # fmt: skip
_RU_ORDINAL_ENDINGS = "ой|ый|ий|ая|ья|ое|ье|ую|ью|ого|ьего|ому|ьему"
_RU_ORDINAL = re.compile(rf"({'|'.join(_RU_ORDINAL_STEMS)})({_RU_ORDINAL_ENDINGS})")


@dataclass(frozen=True, slots=True)
class FoundNumber:
    value: int | float
    start: int
    end: int


@cache
def _number_words(lang: str) -> frozenset[str]:
    try:
        data = LanguageData(lang)
    except ValueError:
        return frozenset()
    return frozenset(data.all_numbers) | frozenset(data.skip_tokens)


@cache
def _word_run(lang: str) -> re.Pattern[str] | None:
    """A run of number words, e.g. "двадцать пять" or "one hundred and five"."""
    words = _number_words(lang)
    if not words:
        return None
    alternatives = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    word = rf"(?:{alternatives})"
    return re.compile(rf"(?<!\w){word}(?:[\s-]+{word})*(?!\w)")


def digits_for_words(text: Rewritten, lang: str) -> Rewritten:
    """Replace number words by digits, keeping track of where they were."""
    extra = _EXTRA_WORDS.get(lang, {})
    if extra:
        pattern = re.compile(r"(?<!\w)(" + "|".join(extra) + r")(?!\w)")
        text = text.sub(pattern, lambda match: extra[match.group()])
    run = _word_run(lang)
    if run is None:
        return text
    skip = _number_words(lang) - frozenset(LanguageData(lang).all_numbers)

    def convert(match: re.Match[str]) -> str:
        phrase = match.group()
        if phrase in skip:  # a lone "and" is not a number
            return phrase
        converted: str = words_to_digits(phrase.replace("-", " "), language=lang)
        return converted

    return text.sub(run, convert)


def _to_number(digits: str) -> int | float:
    digits = digits.replace(",", ".")
    return float(digits) if "." in digits else int(digits)


def find_number(text: str, lang: str) -> FoundNumber | None:
    """The first number in `text`, with its offsets in `text`."""
    rewritten = digits_for_words(Rewritten.of(text), lang)
    match = _NUMBER.search(rewritten.text)
    if match is None:
        return None
    start, end = rewritten.original_span(match.start(), match.end())
    return FoundNumber(_to_number(match.group()), start, end)


def parse_number(text: str, lang: str) -> int | float | None:
    """A span known to hold a number: "5", "пять", "номер 5", "второй", "the third"."""
    found = find_number(text, lang)
    if found is not None:
        return found.value
    return _ordinal(text.strip().lower(), lang)


def _ordinal(text: str, lang: str) -> int | None:
    if lang == "en":
        for word in text.split():
            value = parse_ordinal(word, language="en")
            if value is not None:
                return int(value)
        return None
    if lang == "ru":
        match = _RU_ORDINAL.search(text)
        if match is not None:
            return _RU_ORDINAL_STEMS.index(match.group(1)) + 1
    return None
