"""How many rows an UPDATE/DELETE touched, which the typed ``Result`` does not expose."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result


def affected_rows(result: Result[Any]) -> int:
    # Session.execute() of a DML statement returns a CursorResult; its static type is the
    # general Result, which has no rowcount.
    return cast(CursorResult[Any], result).rowcount
