"""Russian: numbers, dates, times, units and abbreviations as a person reads them aloud.

Each rule is a compiled pattern and a function building the words; ``normalise_ru_grammar``
gives numbers their case and gender. Dates say the day in the genitive ("двадцать второго
ноября"), the form Sova's reminders use; phone numbers are read in the groups written.
"""

from __future__ import annotations

import re

from models.tts.normalise_common import (
    GROUP_SPACE,
    Rule,
    abbreviation_rule,
    alternation,
    apply_rules,
    keeps_period,
    number_pattern,
    previous_word,
    spell_digits,
    to_int,
)
from models.tts.normalise_ru_grammar import (
    agreement,
    cardinal,
    ordinal,
    preposition_case,
    unit_form,
)
from models.tts.normalise_ru_tables import (
    ABBREVIATIONS,
    BEFORE_NUMBER_ABBREVIATIONS,
    CARDINAL_ENDINGS,
    CURRENCY_SYMBOLS,
    MONTHS_GENITIVE,
    ORDINAL_ENDINGS,
    PREPOSITION_CASES,
    SCALED_CURRENCIES,
    SENTENCE_END_ABBREVIATIONS,
    UNITS,
    YEAR_WORDS,
    Unit,
)

LANG = "ru"

# --- helpers -----------------------------------------------------------------------------


def _period(match: re.Match[str], group: str) -> str:
    """Give back a consumed abbreviation dot when it also ended the sentence."""
    return "." if match.group(group) and keeps_period(match) else ""


# --- dates, years, times -----------------------------------------------------------------


def _date(day: int, month: int, year: int | None, case: str) -> str:
    words = f"{ordinal(day, case, 'n')} {MONTHS_GENITIVE[month - 1]}"
    return f"{words} {ordinal(year, 'g')} года" if year is not None else words


def _day_case(match: re.Match[str]) -> str:
    # "до 22 ноября" and plain "22 ноября" both want "двадцать второго".
    return {"к": "d", "ко": "d", "на": "a", "по": "a"}.get(previous_word(match), "g")


def _iso_date(match: re.Match[str]) -> str:
    day, month = int(match["d"]), int(match["mo"])
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return match.group()
    return f" {_date(day, month, int(match['y']), _day_case(match))} "


def _numeric_date(match: re.Match[str]) -> str:
    day, month, year = int(match["d"]), int(match["mo"]), int(match["y"])
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return match.group()
    year += 2000 if len(match["y"]) == 2 else 0
    return f" {_date(day, month, year, _day_case(match))}{_period(match, 'dot')} "


def _month_date(match: re.Match[str]) -> str:
    month = MONTHS_GENITIVE.index(match["mo"].lower()) + 1
    year = int(match["y"]) if match["y"] else None
    if match["d2"] and previous_word(match) in PREPOSITION_CASES:
        # "до 5-7 мая" -> "до пятого-седьмого мая": the preposition already sets the case.
        case = _day_case(match)
        first = ordinal(int(match["d"]), case, "n")
        words = f"{first}-{_date(int(match['d2']), month, year, case)}"
    elif match["d2"]:
        # "5-7 мая" -> "с пятого по седьмое мая"
        first = ordinal(int(match["d"]), "g", "n")
        words = f"с {first} по {_date(int(match['d2']), month, year, 'a')}"
    else:
        words = _date(int(match["d"]), month, year, _day_case(match))
    return f" {words}{_period(match, 'dot')} "


def _year(match: re.Match[str]) -> str:
    word = match["word"].lower()
    case, said = YEAR_WORDS[word]
    prep = previous_word(match)
    if word in ("году", "г") and prep in ("в", "во", "о", "об"):
        case, said = "p", "году"
    elif word in ("году", "г") and prep in ("к", "ко"):
        case, said = "d", "году"
    elif word == "гг" and prep in ("в", "во"):
        case, said = "p", "годах"
    elif word == "гг" and PREPOSITION_CASES.get(prep) == "g":
        case, said = "g", "годов"
    years = ordinal(int(match["y"]), case)
    if match["y2"]:
        years += "-" + ordinal(int(match["y2"]), case)
    return f" {years} {said}{_period(match, 'dot')} "


def _clock(hours: str, minutes: str, seconds: str | None, case: str) -> str:
    """'19', '05' -> 'девятнадцать ноль пять' (minutes are feminine: 'семь двадцать одна')."""
    words = [cardinal(str(int(hours)), case=case)]  # "07:00" is "семь", not "ноль семь"
    for part in (minutes, seconds):
        if part is None:
            continue
        if part == "00":
            words.append("ноль ноль")
        elif part.startswith("0"):
            words.append("ноль " + cardinal(part[1], case=case, gender="f"))
        else:
            words.append(cardinal(part, case=case, gender="f"))
    return " ".join(words)


def _time(match: re.Match[str]) -> str:
    if not match["h2"]:
        return f" {_clock(match['h'], match['m'], match['s'], preposition_case(match, 'gd'))} "
    # "9:00–18:00" -> "с девяти ноль ноль до восемнадцати ноль ноль"
    start = _clock(match["h"], match["m"], match["s"], "g")
    end = _clock(match["h2"], match["m2"], None, "g")
    lead = "" if previous_word(match) in ("с", "со", "от") else "с "
    return f" {lead}{start} до {end} "


def _dotted_time(match: re.Match[str]) -> str:
    case = PREPOSITION_CASES.get(match["prep"].lower(), "n")
    case = case if case in "gd" else "n"
    return f"{match['prep']} {_clock(match['h'], match['m'], None, case)} "


# --- numbers -----------------------------------------------------------------------------


def _ordinal(match: re.Match[str]) -> str:
    ending = match["end"].lower()
    number = int(match["n"])
    if ending in CARDINAL_ENDINGS and not (ending == "х" and (number == 1 or number % 10 == 0)):
        return f" {cardinal(match['n'], case=CARDINAL_ENDINGS[ending])} "
    if ending == "х":
        return f" {ordinal(number, 'g', plural=True)} "  # "1990-х" -> "...девяностых"
    case, gender, plural = ORDINAL_ENDINGS[ending]
    if ending == "е" and number >= 10 and number % 10 == 0:
        plural = True  # "90-е", "1990-е" are decades
    return f" {ordinal(number, case, gender, plural)} "


def _money(unit: Unit, whole: str, fraction: str, case: str) -> str:
    """'5', '50' -> 'пять рублей пятьдесят копеек'; a zero part is left unsaid."""
    main, cents = to_int(whole), int(fraction.ljust(2, "0"))
    parts: list[str] = []
    if main or not cents:
        main_words = cardinal(whole, case=case, gender=unit.gender)
        parts.append(f"{main_words} {unit_form(unit, main, case)}")
    if cents and unit.sub:
        sub_words = cardinal(str(cents), case=case, gender=unit.sub.gender)
        parts.append(f"{sub_words} {unit_form(unit.sub, cents, case)}")
    return " ".join(parts)


def _amount(unit: Unit, whole: str, fraction: str | None, case: str) -> str:
    """A number and its unit, in the case the context asks for."""
    if unit.sub and fraction and len(fraction) <= 2:
        return _money(unit, whole, fraction, case)
    number = None if fraction else to_int(whole)
    return f"{cardinal(whole, fraction, case, unit.gender)} {unit_form(unit, number, case)}"


def _sign_word(match: re.Match[str]) -> str:
    sign = match["sign"]
    if not sign:
        return ""
    return "плюс " if sign == "+" else "минус "


def _currency_first(match: re.Match[str]) -> str:
    """'$5' -> 'пять долларов', '$1,5 млн' -> 'одна целая пять десятых миллиона долларов'."""
    currency = CURRENCY_SYMBOLS[match["cur"]]
    case = preposition_case(match, "ga")
    if match["scale"]:
        scale = UNITS[match["scale"].lower()]
        words = f"{_amount(scale, match['a'], match['a_frac'], case)} {currency.many}"
    else:
        words = _amount(currency, match["a"], match["a_frac"], case)
    return f" {_sign_word(match)}{words}{_period(match, 'dot')} "


def _number(match: re.Match[str]) -> str:
    """Any other number, with its range partner and unit: '5-7 км' -> 'пять-семь километров'."""
    unit = UNITS[match["unit"].lower()] if match["unit"] else None
    if unit is None:
        case, gender = agreement(match)
    else:
        case, gender = preposition_case(match, "ga"), unit.gender
    words = ""
    last, last_fraction = match["a"], match["a_frac"]
    if match["b"]:
        words = cardinal(last, last_fraction, case, gender) + "-"
        last, last_fraction = match["b"], match["b_frac"]
    if unit is None:
        words += cardinal(last, last_fraction, case, gender)
    else:
        words += _amount(unit, last, last_fraction, case)
    if match["unit2"]:
        words += " " + UNITS[match["unit2"].lower()].many  # "5 млн руб." -> "...рублей"
    dot = _period(match, "dot2") if match["unit2"] else _period(match, "dot")
    return f" {_sign_word(match)}{words}{dot} "


def _phone(match: re.Match[str]) -> str:
    # Grouped as written, "сто двадцать три, сорок пять, шестьдесят семь", as people dictate;
    # a group with a leading zero or longer than three digits goes digit by digit.
    groups = re.findall(r"\d+", match.group())
    words = [
        spell_digits(g, LANG) if g.startswith("0") or len(g) > 3 else cardinal(g) for g in groups
    ]
    plus = "плюс " if match.group().startswith("+") else ""
    return f" {plus}{', '.join(words)} "


# --- patterns ----------------------------------------------------------------------------


def _num(name: str) -> str:
    return number_pattern(name, GROUP_SPACE, "[.,]")


# A sign only where it cannot be a hyphen or a range dash: "-5", "от -5", not "5-7".
_SIGN = r"(?P<sign>(?<![\w.,)])[-−+])?"
_HOUR = r"[01]?\d|2[0-4]"
_MINUTE = r"[0-5]\d"
_YEAR_SUFFIX = r"(?:\s?(?:года(?!\w)|г(?P<dot>\.)|г(?!\w)))?"

_ISO_DATE = re.compile(r"(?<![\d.\-])(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})(?![\d\-])")
_NUMERIC_DATE = re.compile(
    r"(?<![\d.,/])(?P<d>\d{1,2})(?P<sep>[./])(?P<mo>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
    r"(?![\d.,/]\d|\d)" + _YEAR_SUFFIX
)
_MONTH_DATE = re.compile(
    r"(?<![\d.,])(?P<d>\d{1,2})(?:\s?[-–—]\s?(?P<d2>\d{1,2}))?\s+"
    rf"(?P<mo>{alternation(MONTHS_GENITIVE)})(?!\w)"
    rf"(?:\s+(?P<y>\d{{4}})(?!\d){_YEAR_SUFFIX})?",
    re.I,
)
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ \-]?\(?\d{1,5}\)?(?:[ \-]?\d{1,4}){2,4}"
    r"|(?:\(\d{3,5}\) ?)?\d{2,4}(?:-\d{2,4}){2,3}|\(\d{3,5}\) ?\d{3}-\d{4})(?![\w\-])"
)
_YEAR = re.compile(
    r"(?<![\d.,])(?P<y>[12]\d{3})(?:[-–—](?P<y2>[12]\d{3}))?\s?"
    rf"(?P<word>{alternation(YEAR_WORDS)})(?P<dot>(?<=г)\.)?(?!\w)",
    re.I,
)
_TIME = re.compile(
    rf"(?<![\d:.,])(?P<h>{_HOUR}):(?P<m>{_MINUTE})(?::(?P<s>{_MINUTE}))?(?!:?\d)"
    rf"(?:\s?[-–—]\s?(?P<h2>{_HOUR}):(?P<m2>{_MINUTE})(?!:?\d))?"
)
# "в 7.30" is a time in Russian writing; without such a preposition it is a decimal.
_DOTTED_TIME = re.compile(
    rf"(?<!\w)(?P<prep>в|во|к|ко|до|с|со|после|около|от)\s+(?P<h>{_HOUR})\.(?P<m>{_MINUTE})"
    r"(?![.,]?\d)",
    re.I,
)
_ORDINAL = re.compile(
    rf"(?<![\d.,])(?P<n>\d{{1,15}})-(?P<end>{alternation([*ORDINAL_ENDINGS, *CARDINAL_ENDINGS])})"
    r"(?!\w)",
    re.I,
)
_CURRENCY_FIRST = re.compile(
    r"(?P<sign>(?<![\w.,)])[-−])?(?P<cur>[$€£₽])\s?"
    + _num("a")
    + r"(?:\s?(?P<scale>тыс|млн|млрд)(?!\w)(?P<dot>\.)?)?",
    re.I,
)
_NUMBER = re.compile(
    _SIGN
    + _num("a")
    + r"(?:(?:[-–—]|\s[–—]\s)"
    + _num("b")
    + r")?"
    + rf"(?:\s?(?P<unit>{alternation(UNITS)})(?!\w)(?P<dot>\.)?"
    + rf"(?:\s?(?P<unit2>{alternation(SCALED_CURRENCIES)})(?!\w)(?P<dot2>\.)?)?)?",
    re.I,
)


RULES: tuple[Rule, ...] = (
    (re.compile(r"№\s*|#(?=\d)"), lambda _: "номер "),
    (re.compile(r"[~≈]\s?(?=\d)"), lambda _: "около "),
    abbreviation_rule(BEFORE_NUMBER_ABBREVIATIONS, may_end_sentence=False, before_number=True),
    (_ISO_DATE, _iso_date),
    (_NUMERIC_DATE, _numeric_date),
    (_MONTH_DATE, _month_date),
    (_PHONE, _phone),
    (_YEAR, _year),
    (_TIME, _time),
    (_DOTTED_TIME, _dotted_time),
    (_ORDINAL, _ordinal),
    (_CURRENCY_FIRST, _currency_first),
    (_NUMBER, _number),
    abbreviation_rule(SENTENCE_END_ABBREVIATIONS, may_end_sentence=True),
    abbreviation_rule(ABBREVIATIONS, may_end_sentence=False),
    (re.compile(r"(?<!\w)г\.\s*(?=[А-ЯЁ])"), lambda _: "город "),
    (re.compile(r"&"), lambda _: " и "),
    (re.compile(r"\+"), lambda _: " плюс "),
    (re.compile(r"="), lambda _: " равно "),
    (re.compile(r"%"), lambda _: " процентов "),
)


def expand(text: str) -> str:
    """Spell out every number, unit, abbreviation and readable symbol in Russian text."""
    return apply_rules(text, RULES)
