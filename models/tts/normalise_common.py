"""Pieces both languages' normalisers share: rule plumbing, number parsing, num2words calls.

num2words does the spelling; this module only parses the written number and caches results,
since replies repeat the same few numbers (times, counts) sentence after sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from num2words import num2words  # type: ignore[import-untyped]

Replacer = Callable[[re.Match[str]], str]
Rule = tuple[re.Pattern[str], Replacer]

# Plain, no-break and narrow no-break spaces all group thousands ("1 000 000").
GROUP_SPACE = "[ \u00a0\u202f]"
# Runs this long are identifiers (order numbers, account numbers), not amounts.
DIGIT_RUN_AS_ID = 10
# Past this many digits even a grouped number is read digit by digit: num2words' Russian
# tables end at nonillions, and nobody says such amounts aloud anyway.
MAX_SPELLED_DIGITS = 15
# Longer fractions are read digit by digit, as people read them ("три запятая один четыре
# один пять девять"): num2words' Russian fraction words go wrong past ten-thousandths.
MAX_SPELLED_FRACTION = 4

_NON_DIGIT = re.compile(r"\D")
_SPACE = re.compile(r"\s")
_PREV_WORD = re.compile(r"(\w+)\s+$")
_NEXT_WORD = re.compile(r"\s+(\w+)")
# After an abbreviation's dot: the end of the text, or a capital after a space (closing quotes
# and brackets may come between), means the dot also ended the sentence.
_SENTENCE_END_AFTER = re.compile(r"[\"'»”)]*(?:\s*$|\s+[A-ZА-ЯЁ])")


def apply_rules(text: str, rules: Sequence[Rule]) -> str:
    """Run each rule's substitution over the text, in order."""
    for pattern, replace in rules:
        text = pattern.sub(_spacing(replace), text)
    return text


def _spacing(replace: Replacer) -> Replacer:
    return lambda match: _spaced(match, replace(match))


def _spaced(match: re.Match[str], words: str) -> str:
    """Words for a match, set off by a space only where they would touch a letter.

    "mp3" needs "mp three", but '"напоминание 1"' must stay '"напоминание один"', not gain a
    space before the closing quote.
    """
    words = words.strip()
    text, start, end = match.string, match.start(), match.end()
    if start > 0 and text[start - 1].isalnum():
        words = " " + words
    if end < len(text) and text[end].isalnum():
        words += " "
    return words


def to_int(written: str) -> int:
    """'1 000 000' or '1,000' -> 1000000 (group separators dropped)."""
    return int(_NON_DIGIT.sub("", written))


def number_pattern(name: str, thousands: str, decimal_point: str) -> str:
    """Regex source for a written number, with groups ``{name}`` (whole) and ``{name}_frac``.

    ``thousands`` is a character class of group separators, ``decimal_point`` one of points.
    """
    whole = rf"\d{{1,3}}(?:{thousands}\d{{3}})+(?!\d)|\d+"
    return rf"(?<!\d)(?P<{name}>{whole})(?:{decimal_point}(?P<{name}_frac>\d+))?"


def reads_as_digits(whole: str) -> bool:
    """'007' and '4006001234' are codes, read digit by digit, not amounts."""
    if len(_NON_DIGIT.sub("", whole)) > MAX_SPELLED_DIGITS:
        return True
    leading_zero = len(whole) > 1 and whole[0] == "0"
    return whole.isdigit() and (leading_zero or len(whole) >= DIGIT_RUN_AS_ID)


def previous_word(match: re.Match[str]) -> str:
    """Lowercased word just before the match (within 30 chars), or ''."""
    before = match.string[max(0, match.start() - 30) : match.start()]
    found = _PREV_WORD.search(before)
    return found.group(1).lower() if found else ""


def next_word(match: re.Match[str]) -> str:
    """Lowercased word right after the match, or ''."""
    found = _NEXT_WORD.match(match.string, match.end())
    return found.group(1).lower() if found else ""


def keeps_period(match: re.Match[str]) -> bool:
    """Whether a trailing '.' in an abbreviation also ends the sentence."""
    return _SENTENCE_END_AFTER.match(match.string, match.end()) is not None


@lru_cache(maxsize=4096)
def spell_int(
    number: int,
    lang: str,
    to: str = "cardinal",
    case: str = "n",
    gender: str = "m",
    plural: bool = False,
) -> str:
    """num2words for a whole number; case/gender/plural only mean something for Russian."""
    if lang == "ru" and to in ("cardinal", "ordinal"):
        # animate=False: "2 минуты" in the accusative is "две", not "двух".
        words = num2words(
            number, lang=lang, to=to, case=case, gender=gender, plural=plural, animate=False
        )
    else:
        words = num2words(number, lang=lang, to=to)
    return str(words)


@lru_cache(maxsize=1024)
def spell_decimal(whole: str, fraction: str, lang: str) -> str:
    """'3', '5' -> 'три целых пять десятых' / 'three point five'."""
    if lang == "ru" and len(fraction) <= MAX_SPELLED_FRACTION and not reads_as_digits(whole):
        # A string keeps trailing zeros ("3,50" is "пятьдесят сотых").
        return str(num2words(f"{to_int(whole)}.{fraction}", lang=lang))
    # English reads the fraction digit by digit anyway; spelling it here keeps "3.50" as
    # "three point five zero" and avoids num2words' float rounding on long fractions.
    whole_words = (
        spell_digits(whole, lang) if reads_as_digits(whole) else spell_int(to_int(whole), lang)
    )
    point = "запятая" if lang == "ru" else "point"
    return f"{whole_words} {point} {spell_digits(fraction, lang)}"


def spell_digits(digits: str, lang: str) -> str:
    """'007' -> 'zero zero seven': for codes, phone groups and leading zeros."""
    return " ".join(spell_int(int(d), lang) for d in digits if d.isdigit())


def alternation(words: Iterable[str]) -> str:
    """Regex alternation of literal words, longest first so "км/ч" wins over "км"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def abbreviation_rule(
    table: dict[str, str], *, may_end_sentence: bool, before_number: bool = False
) -> Rule:
    """A rule replacing each written abbreviation in ``table`` (lowercase keys) by its words.

    ``may_end_sentence``: keep the abbreviation's dot when it also closes the sentence ("etc.").
    ``before_number``: only where a number follows ("д. 5", "No. 5").
    """

    def written_pattern(written: str) -> str:
        # "т.е." is also written "т. е.": allow a space after each inner dot.
        parts = written.rstrip(".").split(".")
        ending = r"\." if written.endswith(".") else r"(?!\w)"
        return r"\.\s?".join(re.escape(part) for part in parts) + ending

    body = "|".join(written_pattern(w) for w in sorted(table, key=len, reverse=True))
    lookahead = r"(?=\s?\d)" if before_number else ""
    pattern = re.compile(rf"(?<!\w)(?:{body}){lookahead}", re.I)

    def replace(match: re.Match[str]) -> str:
        said = table[_SPACE.sub("", match.group()).lower()]
        return said + ("." if may_end_sentence and keeps_period(match) else "") + " "

    return pattern, replace
