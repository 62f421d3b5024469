"""Which variant a user gets: a hash of the experiment's salt and the user id.

No table lookup and no state: every worker, before and after a restart, computes the same
variant. Each experiment has its own random salt, so two experiments running at once split
users independently of each other (being in one's treatment says nothing about the other).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

_SCALE = float(2**64)


@dataclass(frozen=True, slots=True)
class Variant:
    name: str
    weight: float


def new_salt() -> str:
    return secrets.token_hex(8)


def bucket(salt: str, user_id: int) -> float:
    """A uniform number in [0, 1) fixed by ``salt`` and ``user_id``."""
    digest = hashlib.sha256(f"{salt}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / _SCALE


def assign(salt: str, user_id: int, variants: Sequence[Variant]) -> str:
    """The variant ``user_id`` gets; shares follow the weights."""
    total = sum(v.weight for v in variants)
    point = bucket(salt, user_id) * total
    edge = 0.0
    for variant in variants:
        edge += variant.weight
        if point < edge:
            return variant.name
    return variants[-1].name  # point == total can only come from rounding
