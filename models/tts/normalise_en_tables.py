"""English word tables for ``normalise_en``: months, units, currencies, abbreviations.

Extending the normaliser is mostly adding a row here. Keys are lowercase, as written.
"""

from __future__ import annotations

from dataclasses import dataclass

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# Written month (full or short) -> month number.
MONTH_NUMBERS = {
    **{name: i for i, name in enumerate(MONTHS, start=1)},
    **{name[:3]: i for i, name in enumerate(MONTHS, start=1)},
    "Sept": 9,
}


@dataclass(frozen=True, slots=True)
class Unit:
    """How a noun after a number reads: "one kilometre", "five kilometres"."""

    one: str
    many: str
    sub: Unit | None = None
    """Hundredth part for money: dollar -> cent."""


CENT = Unit("cent", "cents")
DOLLAR = Unit("dollar", "dollars", sub=CENT)
EURO = Unit("euro", "euros", sub=CENT)
POUND = Unit("pound", "pounds", sub=Unit("penny", "pence"))
RUBLE = Unit("ruble", "rubles", sub=Unit("kopeck", "kopecks"))

CURRENCY_SYMBOLS = {"$": DOLLAR, "€": EURO, "£": POUND, "₽": RUBLE}
# Scale words a currency symbol may carry: "$5 million" -> "five million dollars".
SCALES = {"thousand": "thousand", "million": "million", "billion": "billion", "bn": "billion"}

# Abbreviations and symbols read only right after a number ("5 km", "15%").
# Matched case-insensitively, except CASE_SENSITIVE_UNITS ("3D" is not three days).
UNITS: dict[str, Unit] = {
    **CURRENCY_SYMBOLS,
    "%": Unit("percent", "percent"),
    "°c": Unit("degree Celsius", "degrees Celsius"),
    "℃": Unit("degree Celsius", "degrees Celsius"),
    "°f": Unit("degree Fahrenheit", "degrees Fahrenheit"),
    "°": Unit("degree", "degrees"),
    "km/h": Unit("kilometre per hour", "kilometres per hour"),
    "kph": Unit("kilometre per hour", "kilometres per hour"),
    "mph": Unit("mile per hour", "miles per hour"),
    "km": Unit("kilometre", "kilometres"),
    "m": Unit("metre", "metres"),
    "cm": Unit("centimetre", "centimetres"),
    "mm": Unit("millimetre", "millimetres"),
    "mi": Unit("mile", "miles"),
    "ft": Unit("foot", "feet"),
    "kg": Unit("kilogram", "kilograms"),
    "lb": Unit("pound", "pounds"),
    "lbs": Unit("pound", "pounds"),
    "l": Unit("litre", "litres"),
    "ml": Unit("millilitre", "millilitres"),
    "d": Unit("day", "days"),  # Sova's own "1 d 2 h 5 min"; lowercase only, see normalise_en
    "h": Unit("hour", "hours"),
    "hr": Unit("hour", "hours"),
    "hrs": Unit("hour", "hours"),
    "min": Unit("minute", "minutes"),
    "mins": Unit("minute", "minutes"),
    "sec": Unit("second", "seconds"),
    "secs": Unit("second", "seconds"),
    "ms": Unit("millisecond", "milliseconds"),
    "kb": Unit("kilobyte", "kilobytes"),
    "mb": Unit("megabyte", "megabytes"),
    "gb": Unit("gigabyte", "gigabytes"),
    "tb": Unit("terabyte", "terabytes"),
}

CASE_SENSITIVE_UNITS = frozenset({"d"})

# Their dot never ends the sentence: a name or the rest of the sentence follows.
ABBREVIATIONS = {
    "e.g.": "for example",
    "i.e.": "that is",
    "dr.": "Doctor",
    "mr.": "Mister",
    "mrs.": "Missus",
    "ms.": "Miz",
    "prof.": "Professor",
    "mt.": "Mount",
    "vs.": "versus",
    "vs": "versus",
    "approx.": "approximately",
    "w/o": "without",
    "w/": "with",
}
# These may close a sentence ("and so on, etc."), and then their dot is kept as the full stop.
SENTENCE_END_ABBREVIATIONS = {
    "etc.": "et cetera",
    "jr.": "Junior",
    "sr.": "Senior",
    "inc.": "Incorporated",
    "ltd.": "Limited",
}
# Before a number only: "No. 5" is "number five", but "No." alone is a word.
BEFORE_NUMBER_ABBREVIATIONS = {"no.": "number", "nos.": "numbers"}

# Words after which a four-digit number is a year: "in 2026" -> "in twenty twenty-six".
YEAR_PREPOSITIONS = (
    "in", "since", "by", "until", "till", "from", "before", "after", "of", "circa", "around",
    "year", "during", "through", "to", "early", "late", "mid", "summer", "winter", "spring",
    "autumn", "fall",
)  # fmt: skip
