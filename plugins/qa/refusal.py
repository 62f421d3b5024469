"""Why a document was not accepted: a stable code (for translated messages) and English text."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class RefusalCode(StrEnum):
    """Stable reasons; handlers translate ``qa.refused.<code>`` from the plugin's locales."""

    TOO_BIG = "too_big"
    BINARY = "binary"
    UNSUPPORTED = "unsupported"
    EMPTY = "empty"
    ENCRYPTED = "encrypted"
    CORRUPT = "corrupt"


class DocumentRefused(Exception):
    """The document cannot be added; ``message`` says what the user can do instead.

    ``values`` fill the translated text ``refused.<code>`` (``too_big``: size_mb, limit_mb).
    """

    def __init__(
        self, code: RefusalCode, message: str, values: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.values = dict(values or {})

    def __repr__(self) -> str:
        return f"DocumentRefused({self.code.value!r}, {self.message!r})"
