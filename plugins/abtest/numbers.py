"""Numbers as a report shows them, in English or Russian (decimal comma, spaced thousands).

Precision follows the size of the number: a report is read on a phone, and "11.0548" says
no more than "11.05". Intervals are written "[low; high]" in both languages, since with a
decimal comma a comma cannot separate the two ends.
"""

from __future__ import annotations

import math

MINUS = "\u2212"  # a real minus sign: a hyphen is easy to miss in "-0.02"


def _localise(text: str, lang: str) -> str:
    if lang == "ru":
        return text.replace(",", "\u202f").replace(".", ",")
    return text


def _decimals(size: float) -> int:
    """Digits after the point for numbers up to ``size``: three significant ones, fewer for
    large numbers."""
    if size >= 1000:
        return 0
    if size >= 100:
        return 1
    if size >= 1:
        return 2
    if size == 0:
        return 0
    return min(8, 2 - math.floor(math.log10(size)))


def number(x: float, lang: str, *, signed: bool = False, like: float | None = None) -> str:
    """``like``: format with the precision of this (larger) number, so the ends of an
    interval read alike ("+0.276 [+0.200; +0.350]")."""
    if not math.isfinite(x):
        return "—"
    reference = abs(like) if like is not None and math.isfinite(like) else abs(x)
    text = f"{abs(x):,.{_decimals(reference)}f}"
    sign = MINUS if x < 0 and text.strip("0.,") else ("+" if signed and x > 0 else "")
    return sign + _localise(text, lang)


def count(n: int | None, lang: str) -> str:
    if n is None:
        return "—"
    return _localise(f"{n:,d}", lang)


def percent(share: float, lang: str, *, signed: bool = False, digits: int = 1) -> str:
    """0.0512 → "5.1%"."""
    if not math.isfinite(share):
        return "—"
    value = share * 100
    text = f"{abs(value):.{digits}f}"
    sign = MINUS if value < 0 and float(text) != 0 else ("+" if signed and value > 0 else "")
    return sign + _localise(text, lang) + "%"


def level(share: float, lang: str) -> str:
    """A significance or confidence level: "5%", "97.5%" (no needless ".0")."""
    if not math.isfinite(share):
        return "—"
    return _localise(f"{round(share * 100, 1):g}", lang) + "%"


def p_value(p: float, lang: str) -> str:
    if not math.isfinite(p):
        return "—"
    if p < 0.0001:
        return "< " + _localise("0.0001", lang)
    return _localise(f"{p:.4f}", lang)


def p_equation(p: float, lang: str) -> str:
    """ "p = 0.0139", "p < 0.0001"."""
    shown = p_value(p, lang)
    return "p " + (shown if shown.startswith("<") else "= " + shown)


def share(weight: float, total: float, lang: str) -> str:
    """A design weight as a percentage without needless decimals: 50, 33.3."""
    return _localise(f"{round(100 * weight / total, 1):g}", lang)


def _widest(*values: float) -> float:
    finite = [abs(v) for v in values if math.isfinite(v)]
    return max(finite, default=0.0)


def interval(low: float, high: float, lang: str, *, as_percent: bool = False) -> str:
    """An interval of changes (signed), each end as precise as the larger one."""
    if as_percent:
        return f"[{percent(low, lang, signed=True)}; {percent(high, lang, signed=True)}]"
    like = _widest(low, high)
    return (
        f"[{number(low, lang, signed=True, like=like)}; "
        f"{number(high, lang, signed=True, like=like)}]"
    )


def plain_interval(low: float, high: float, lang: str, *, as_percent: bool = False) -> str:
    """An interval of levels (a mean, a rate), not of changes: no plus signs."""
    if as_percent:
        return f"[{percent(low, lang)}; {percent(high, lang)}]"
    like = _widest(low, high)
    return f"[{number(low, lang, like=like)}; {number(high, lang, like=like)}]"
