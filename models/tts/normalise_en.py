"""English: numbers, dates, times, units and abbreviations as a person reads them aloud.

Years read in pairs ("twenty twenty-six") where the context says it is a year: a date, a
decade ("1990s"), or a word like "in"/"since" before it; any other number is a cardinal.
Numeric dates with slashes are month first (US) unless the first part is over 12.
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
    reads_as_digits,
    spell_decimal,
    spell_digits,
    spell_int,
    to_int,
)
from models.tts.normalise_en_tables import (
    ABBREVIATIONS,
    BEFORE_NUMBER_ABBREVIATIONS,
    CASE_SENSITIVE_UNITS,
    CURRENCY_SYMBOLS,
    MONTH_NUMBERS,
    MONTHS,
    SCALES,
    SENTENCE_END_ABBREVIATIONS,
    UNITS,
    YEAR_PREPOSITIONS,
    Unit,
)

LANG = "en"

# --- spelling ----------------------------------------------------------------------------


def cardinal(whole: str, fraction: str | None = None) -> str:
    """A written number in words; leading zeros and long runs are read digit by digit."""
    if fraction:
        return spell_decimal(str(to_int(whole)), fraction, LANG)
    if reads_as_digits(whole):
        return spell_digits(whole, LANG)
    return _spell(to_int(whole), "cardinal")


def ordinal(number: int) -> str:
    return _spell(number, "ordinal")


def year(number: int) -> str:
    return _spell(number, "year")


def _spell(number: int, to: str) -> str:
    # num2words writes "two thousand, five hundred": the comma would be read as a pause.
    return spell_int(number, LANG, to).replace(",", "")


def unit_form(unit: Unit, whole: str, fraction: str | None) -> str:
    return unit.one if not fraction and to_int(whole) == 1 else unit.many


def _is_year(written: str) -> bool:
    return len(written) == 4 and written[0] in "12"


def _period(match: re.Match[str], group: str) -> str:
    """Give back a consumed abbreviation dot when it also ended the sentence."""
    found = match.group(group)
    return "." if found and found.endswith(".") and keeps_period(match) else ""


# --- dates, years, times -----------------------------------------------------------------


def _month_first(month: int, day: int, year_written: str | None) -> str:
    words = f"{MONTHS[month - 1]} {ordinal(day)}"
    return f"{words}, {year(int(year_written))}" if year_written else words


def _iso_date(match: re.Match[str]) -> str:
    day, month = int(match["d"]), int(match["mo"])
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return match.group()
    return f" {_month_first(month, day, match['y'])} "


def _numeric_date(match: re.Match[str]) -> str:
    first, second = int(match["a"]), int(match["b"])
    # Dots are European (day first); slashes are US (month first) unless that cannot be.
    day_first = match["sep"] == "." or first > 12
    day, month = (first, second) if day_first else (second, first)
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return match.group()
    full_year = match["y"] if len(match["y"]) == 4 else f"20{match['y']}"
    return f" {_month_first(month, day, full_year)} "


def _month_date(match: re.Match[str]) -> str:
    """'Nov 22, 2026' -> 'November twenty-second, twenty twenty-six'."""
    month = MONTH_NUMBERS[match["mo"].rstrip(".")]
    words = _month_first(month, int(match["d"]), None)
    if match["d2"]:
        words += f" to {ordinal(int(match['d2']))}"
    if match["y"]:
        words += f", {year(int(match['y']))}"
    return f" {words} "


def _day_month(match: re.Match[str]) -> str:
    """'22 November 2026' -> 'the twenty-second of November, twenty twenty-six'."""
    month = MONTH_NUMBERS[match["mo"].rstrip(".")]
    words = f"the {ordinal(int(match['d']))} of {MONTHS[month - 1]}"
    if match["y"]:
        return f" {words}, {year(int(match['y']))} "
    return f" {words}{_period(match, 'mo')} "


def _decade(match: re.Match[str]) -> str:
    """'1990s' -> 'nineteen nineties', "'90s" -> 'nineties'."""
    words = year(int(match["y"])) if match["y"] else cardinal(match["yy"])
    return f" {words[:-1]}ies " if words.endswith("y") else f" {words}s "


def _year(match: re.Match[str]) -> str:
    return f"{match['prep']} {year(int(match['y']))}"


def _clock(hours: str, minutes: str, seconds: str | None, meridiem: str | None) -> str:
    """'19', '05' -> 'nineteen oh five'; '7', '00' -> "seven o'clock"."""
    words = [cardinal(str(int(hours)))]
    if minutes == "00":
        if not meridiem:
            words.append("o'clock" if 0 < int(hours) <= 12 else "hundred")
    elif minutes.startswith("0"):
        words.append("oh " + cardinal(minutes[1]))
    else:
        words.append(cardinal(minutes))
    if seconds:
        words.append(f"and {cardinal(str(int(seconds)))} seconds")
    if meridiem:
        # Capitals: espeak-ng (and Piper's phonemizer) reads "am" as the word, "AM" as letters.
        words.append("AM" if meridiem.lower().startswith("a") else "PM")
    return " ".join(words)


def _time(match: re.Match[str]) -> str:
    words = _clock(match["h"], match["m"], match["s"], match["ap"])
    if match["h2"]:
        words += " to " + _clock(match["h2"], match["m2"], None, match["ap2"])
    dot = _period(match, "ap2") if match["h2"] else _period(match, "ap")
    return f" {words}{dot} "


def _hour_meridiem(match: re.Match[str]) -> str:
    return f" {_clock(match['h'], '00', None, match['ap'])}{_period(match, 'ap')} "


# --- numbers -----------------------------------------------------------------------------


def _ordinal(match: re.Match[str]) -> str:
    return f" {ordinal(to_int(match['n']))} "


def _money(unit: Unit, whole: str, fraction: str) -> str:
    """'5', '50' -> 'five dollars and fifty cents'; a zero part is left unsaid."""
    main, cents = to_int(whole), int(fraction.ljust(2, "0"))
    parts: list[str] = []
    if main or not cents:
        parts.append(f"{cardinal(whole)} {unit.one if main == 1 else unit.many}")
    if cents and unit.sub:
        parts.append(f"{cardinal(str(cents))} {unit.sub.one if cents == 1 else unit.sub.many}")
    return " and ".join(parts)


def _amount(unit: Unit, whole: str, fraction: str | None) -> str:
    if unit.sub and fraction and len(fraction) <= 2:
        return _money(unit, whole, fraction)
    return f"{cardinal(whole, fraction)} {unit_form(unit, whole, fraction)}"


def _sign_word(match: re.Match[str]) -> str:
    sign = match["sign"]
    if not sign:
        return ""
    return "plus " if sign == "+" else "minus "


def _currency_first(match: re.Match[str]) -> str:
    """'$5.50' -> 'five dollars and fifty cents', '$2 million' -> 'two million dollars'."""
    currency = CURRENCY_SYMBOLS[match["cur"]]
    if match["scale"]:
        scale = SCALES[match["scale"].lower()]
        words = f"{cardinal(match['a'], match['a_frac'])} {scale} {currency.many}"
    else:
        words = _amount(currency, match["a"], match["a_frac"])
    return f" {_sign_word(match)}{words} "


def _number(match: re.Match[str]) -> str:
    """Any other number, with its range partner and unit: '5-7 km' -> 'five to seven km...'."""
    unit = UNITS[match["unit"].lower()] if match["unit"] else None
    last, last_fraction = match["a"], match["a_frac"]
    words = ""
    if match["b"]:
        if unit is None and _is_year(last) and _is_year(match["b"]):
            return f" {year(int(last))} to {year(int(match['b']))} "
        words = cardinal(last, last_fraction) + " to "
        last, last_fraction = match["b"], match["b_frac"]
    words += cardinal(last, last_fraction) if unit is None else _amount(unit, last, last_fraction)
    dot = "." if match["dot"] and keeps_period(match) else ""
    return f" {_sign_word(match)}{words}{dot} "


def _phone(match: re.Match[str]) -> str:
    # Digit by digit in the groups written, as English speakers dictate numbers.
    groups = re.findall(r"\d+", match.group())
    plus = "plus " if match.group().startswith("+") else ""
    return f" {plus}{', '.join(spell_digits(g, LANG) for g in groups)} "


def _saint_or_street(match: re.Match[str]) -> str:
    """'St. Paul' is a saint, 'Baker St.' a street: the capitalised words around it decide."""
    before = match.string[: match.start()].rstrip().rsplit(" ", 1)[-1]
    name_follows = _CAPITALISED_NEXT.match(match.string, match.end()) is not None
    if name_follows and not before[:1].isupper():
        return "Saint"
    return "Street" + ("." if keeps_period(match) else "")


# --- patterns ----------------------------------------------------------------------------


def _num(name: str) -> str:
    return number_pattern(name, rf"(?:,|{GROUP_SPACE})", r"\.")


# A sign only where it cannot be a hyphen or a range dash: "-5", "from -5", not "5-7".
_SIGN = r"(?P<sign>(?<![\w.,)])[-−+])?"
_HOUR = r"[01]?\d|2[0-4]"
_MINUTE = r"[0-5]\d"
_MERIDIEM = r"(?:\s?(?P<{0}>[AaPp]\.?\s?[Mm](?![a-zA-Z])\.?))?"
_SUFFIX = r"(?:st|nd|rd|th)?"
_FULL_MONTH = alternation(MONTHS)
_SHORT_MONTH = alternation([m[:3] for m in MONTHS] + ["Sept"])
_MONTH_NAME = rf"(?P<mo>(?:{_FULL_MONTH})(?![a-z])|(?:{_SHORT_MONTH})(?![a-z])\.?)"
_YEAR_AFTER = r"(?:,?\s+(?P<y>[12]\d{3})(?!:?\d))?"

_ISO_DATE = re.compile(r"(?<![\d.\-])(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})(?![\d\-])")
_NUMERIC_DATE = re.compile(
    r"(?<![\d.,/])(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
    r"(?![.,/]?\d)"
)
_MONTH_DATE = re.compile(
    rf"(?<!\w){_MONTH_NAME}\s+(?P<d>\d{{1,2}}){_SUFFIX}(?!:?\d)"
    rf"(?:\s?[-–—]\s?(?P<d2>\d{{1,2}}){_SUFFIX})?(?!\w){_YEAR_AFTER}"
)
_DAY_MONTH = re.compile(
    rf"(?:(?<!\w)[Tt]he\s+)?(?<![\d.,])(?P<d>\d{{1,2}}){_SUFFIX}\s+(?:of\s+)?{_MONTH_NAME}"
    rf"{_YEAR_AFTER}"
)
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ \-]?\(?\d{1,5}\)?(?:[ \-]?\d{1,4}){2,4}"
    r"|(?:\(\d{3,5}\) ?)?\d{2,4}(?:-\d{2,4}){2,3}|\(\d{3,5}\) ?\d{3}-\d{4})(?![\w\-])"
)
_DECADE = re.compile(r"(?<![\w.,])(?:(?P<y>[12]\d{2}0)|'(?P<yy>\d0))s(?!\w)")
_YEAR = re.compile(
    rf"(?<!\w)(?P<prep>(?i:{alternation(YEAR_PREPOSITIONS)})|{_FULL_MONTH}|{_SHORT_MONTH}\.?)"
    r"\s+(?P<y>[12]\d{3})(?![\d:]|[.,]\d|\s?(?:%|°)|\w)"
)
_TIME = re.compile(
    rf"(?<![\d:.,])(?P<h>{_HOUR}):(?P<m>{_MINUTE})(?::(?P<s>{_MINUTE}))?(?!:?\d)"
    + _MERIDIEM.format("ap")
    + rf"(?:\s?[-–—]\s?(?P<h2>{_HOUR}):(?P<m2>{_MINUTE})(?!:?\d){_MERIDIEM.format('ap2')})?"
)
_HOUR_MERIDIEM = re.compile(
    r"(?<![\d:.,])(?P<h>1[0-2]|0?[1-9])\s?(?P<ap>[AaPp]\.?\s?[Mm](?![a-zA-Z])\.?)"
)
_ORDINAL = re.compile(
    r"(?<![\d.,])(?P<n>\d{1,3}(?:,\d{3}){1,4}|\d{1,15})(?:st|nd|rd|th)(?!\w)", re.I
)
_CURRENCY_FIRST = re.compile(
    r"(?P<sign>(?<![\w.,)])[-−])?(?P<cur>[$€£₽])\s?"
    + _num("a")
    + rf"(?:\s?(?P<scale>{alternation(SCALES)})(?!\w))?",
    re.I,
)
_UNIT_ALT = "|".join(
    [alternation(set(UNITS) - CASE_SENSITIVE_UNITS)]
    + [f"(?-i:{re.escape(unit)})" for unit in CASE_SENSITIVE_UNITS]
)
_NUMBER = re.compile(
    _SIGN
    + _num("a")
    + r"(?:(?:[-–—]|\s[–—]\s)"
    + _num("b")
    + r")?"
    + rf"(?:\s?(?P<unit>{_UNIT_ALT})(?!\w)(?P<dot>\.)?)?",
    re.I,
)
_SAINT_OR_STREET = re.compile(r"(?<!\w)St\.")
_CAPITALISED_NEXT = re.compile(r"\s+[A-Z]")

RULES: tuple[Rule, ...] = (
    (re.compile(r"№\s*|#(?=\d)"), lambda _: "number "),
    (re.compile(r"[~≈]\s?(?=\d)"), lambda _: "about "),
    abbreviation_rule(BEFORE_NUMBER_ABBREVIATIONS, may_end_sentence=False, before_number=True),
    (_ISO_DATE, _iso_date),
    (_NUMERIC_DATE, _numeric_date),
    (_MONTH_DATE, _month_date),
    (_DAY_MONTH, _day_month),
    (_PHONE, _phone),
    (_DECADE, _decade),
    (_YEAR, _year),
    (_TIME, _time),
    (_HOUR_MERIDIEM, _hour_meridiem),
    (_ORDINAL, _ordinal),
    (_CURRENCY_FIRST, _currency_first),
    (_NUMBER, _number),
    (_SAINT_OR_STREET, _saint_or_street),
    abbreviation_rule(SENTENCE_END_ABBREVIATIONS, may_end_sentence=True),
    abbreviation_rule(ABBREVIATIONS, may_end_sentence=False),
    (re.compile(r"&"), lambda _: " and "),
    (re.compile(r"\+"), lambda _: " plus "),
    (re.compile(r"="), lambda _: " equals "),
    (re.compile(r"%"), lambda _: " percent "),
)


def expand(text: str) -> str:
    """Spell out every number, unit, abbreviation and readable symbol in English text."""
    return apply_rules(text, RULES)
