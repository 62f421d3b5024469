"""The one error type the NLU layer raises for bad intent data."""

from __future__ import annotations

from pathlib import Path


class NluDataError(ValueError):
    """Intent data (YAML files, examples, templates) is malformed.

    The message always names the file and, when known, the line and the offending text, because
    the person reading it is a plugin author who has to find the typo.
    """

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        snippet: str | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.snippet = snippet
        self.reason = message
        where = ""
        if self.path is not None:
            where = f"{self.path}:{line}: " if line is not None else f"{self.path}: "
        tail = f": {snippet!r}" if snippet is not None else ""
        super().__init__(f"{where}{message}{tail}")
