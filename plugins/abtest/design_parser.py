"""``/ab create`` arguments into a ``Design``, with an error that says what to fix.

    /ab create NAME param=PLUGIN.PARAMETER variants=A:50,B:50 metric=METRIC
               [guardrails=M1,M2] [mde=5%] [n=USERS_PER_VARIANT]

Weights are relative (``a:1,b:1`` = ``a:50,b:50``) and default to equal; the first variant is
the control. ``mde`` is relative to the control ("5%" or "0.05").
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from plugins.abtest.assignment import Variant
from plugins.abtest.records import Design

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")  # 40: button data must fit in 64 bytes
PARAMETER = re.compile(r"^[a-z0-9_]+\.[a-z0-9_.]+$")
VARIANT = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
MAX_VARIANTS = 5
ALIASES = {
    "param": "param",
    "parameter": "param",
    "variants": "variants",
    "metric": "metric",
    "primary": "metric",
    "guardrails": "guardrails",
    "guardrail": "guardrails",
    "mde": "mde",
    "n": "n",
}


class DesignError(Exception):
    """``key`` is a locale key of the plugin; ``values`` fill its template."""

    def __init__(self, key: str, values: dict[str, Any] | None = None) -> None:
        super().__init__(key, values)
        self.key = key
        self.values = values or {}


def parse_design(args: str, metrics: Collection[str], *, default_mde: float) -> Design:
    words = args.split()
    if not words:
        raise DesignError("create_usage")
    name, options = words[0].lower(), _options(words[1:])
    if not NAME.match(name):
        raise DesignError("bad_name", {"name": words[0]})
    parameter = options.pop("param", "").lower()
    if not PARAMETER.match(parameter):
        raise DesignError("bad_parameter", {"value": parameter or "—"})
    variants = _variants(options.pop("variants", ""))
    metric = options.pop("metric", "")
    known = ", ".join(sorted(metrics))
    if metric not in metrics:
        raise DesignError("bad_metric", {"value": metric or "—", "known": known})
    guardrails = tuple(g for g in options.pop("guardrails", "").split(",") if g)
    for guardrail in guardrails:
        if guardrail not in metrics or guardrail == metric:
            raise DesignError("bad_guardrail", {"value": guardrail, "known": known})
    mde = _mde(options.pop("mde", ""), default_mde)
    planned = _planned(options.pop("n", ""))
    return Design(
        name, parameter, variants, metric, tuple(dict.fromkeys(guardrails)), mde, planned
    )


def _options(words: list[str]) -> dict[str, str]:
    options: dict[str, str] = {}
    for word in words:
        key, sep, value = word.partition("=")
        canonical = ALIASES.get(key.lower())
        if not sep or canonical is None:
            raise DesignError("bad_option", {"word": word})
        options[canonical] = value.strip()
    return options


def _variants(text: str) -> tuple[Variant, ...]:
    variants = []
    for item in (part for part in text.split(",") if part):
        name, _, weight_text = item.partition(":")
        if not VARIANT.match(name):
            raise DesignError("bad_variant", {"value": item})
        try:
            weight = float(weight_text) if weight_text else 1.0
        except ValueError:
            raise DesignError("bad_weight", {"value": item}) from None
        if not 0 < weight < 1e6:
            raise DesignError("bad_weight", {"value": item})
        variants.append(Variant(name, weight))
    if not 2 <= len(variants) <= MAX_VARIANTS:
        raise DesignError("bad_variant_count", {"max": MAX_VARIANTS})
    if len({v.name for v in variants}) != len(variants):
        raise DesignError("duplicate_variant")
    return tuple(variants)


def _mde(text: str, default: float) -> float:
    if not text:
        return default
    percent = text.endswith("%")
    try:
        value = float(text.rstrip("%").replace(",", "."))
    except ValueError:
        raise DesignError("bad_mde", {"value": text}) from None
    if percent or value >= 1:
        value /= 100  # "5" and "5%" both mean five percent; "0.05" is already a share
    if not 0 < value <= 10:
        raise DesignError("bad_mde", {"value": text})
    return value


def _planned(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or int(text) < 2:
        raise DesignError("bad_n", {"value": text})
    return int(text)
