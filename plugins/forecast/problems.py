"""``InputProblem``: what is wrong with a user's file, as a locale key and its values.

Every check in reading and preparing a series raises this instead of a generic error, so the
handler answers with a precise text in the user's language ("row 14, column sales: «n/a» is
not a number") and nothing else happens.
"""

from __future__ import annotations

from typing import Any


class InputProblem(Exception):
    """A file or request Sova cannot forecast from; ``key`` names the locale text."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(f"{key}: {values}")
        self.key = key
        self.values = values
