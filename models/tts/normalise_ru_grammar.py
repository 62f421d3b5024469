"""Russian number grammar for ``normalise_ru``: spelling in a case and gender, and agreement.

Agreement is deliberately shallow: the noun right after a number picks the number's gender
("одна минута", "одно напоминание"), and a preposition before it or a plural oblique ending
after it picks the case ("до пяти", "к семи", "с двумя напоминаниями"). Full case agreement
(adjectives, singular oblique cases) is out of scope.
"""

from __future__ import annotations

import re

from models.tts.normalise_common import (
    next_word,
    previous_word,
    reads_as_digits,
    spell_decimal,
    spell_digits,
    spell_int,
    to_int,
)
from models.tts.normalise_ru_tables import (
    FEMININE_STEMS,
    NEUTER_STEMS,
    NEUTER_WORDS,
    PREPOSITION_CASES,
    Unit,
)

LANG = "ru"


def plural_index(number: int) -> int:
    """0 for "одна минута", 1 for "две минуты", 2 for "пять минут"."""
    n = abs(number) % 100
    if 11 <= n <= 14:
        return 2
    if n % 10 == 1:
        return 0
    return 1 if n % 10 in (2, 3, 4) else 2


def unit_form(unit: Unit, number: int | None, case: str = "n") -> str:
    """The unit's noun after ``number`` (None: after a decimal, which takes the genitive)."""
    if number is None:
        return unit.few
    index = plural_index(number)
    if case == "g":
        return unit.few if index == 0 else unit.many
    if case == "a" and index == 0 and unit.one_accusative:
        return unit.one_accusative
    return (unit.one, unit.few, unit.many)[index]


def cardinal(whole: str, fraction: str | None = None, case: str = "n", gender: str = "m") -> str:
    """A written number in words; leading zeros and long runs are read digit by digit."""
    if fraction:
        return spell_decimal(str(to_int(whole)), fraction, LANG)
    if reads_as_digits(whole):
        return spell_digits(whole, LANG)
    words = spell_int(to_int(whole), LANG, case=case, gender=gender)
    # People say "тысяча рублей", not num2words' "одна тысяча рублей".
    return _ONE_THOUSAND.sub("", words)


_ONE_THOUSAND = re.compile(r"^одн\w* (?=тысяч)")


def ordinal(number: int, case: str = "n", gender: str = "m", plural: bool = False) -> str:
    return spell_int(number, LANG, "ordinal", case, gender, plural)


# --- context -----------------------------------------------------------------------------


def _noun_gender(word: str) -> str:
    if word.startswith(FEMININE_STEMS):
        return "f"
    if word.startswith(NEUTER_STEMS) or word in NEUTER_WORDS:
        return "n"
    return "m"


def _noun_case(word: str) -> str | None:
    # Plural oblique endings name the case outright: "пятью минутами", "в пяти минутах".
    if len(word) < 4:
        return None
    if word.endswith(("ами", "ями")):
        return "i"
    if word.endswith(("ах", "ях")):
        return "p"
    if word.endswith(("ам", "ям")):
        return "d"
    return None


def agreement(match: re.Match[str]) -> tuple[str, str]:
    """(case, gender) for a bare number, from the words around it."""
    noun = next_word(match)
    gender = _noun_gender(noun)
    case = _noun_case(noun) or PREPOSITION_CASES.get(previous_word(match), "n")
    if case == "n" and gender == "f" and noun.endswith(("у", "ю")):
        case = "a"  # "1 минуту" -> "одну минуту"
    return case, gender


def preposition_case(match: re.Match[str], allowed: str) -> str:
    """The case the preposition before the match asks for, if in ``allowed``, else 'n'."""
    case = PREPOSITION_CASES.get(previous_word(match), "n")
    return case if case in allowed else "n"
