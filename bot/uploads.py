"""Files users send: the document a plugin works on, found on the current message or a recent one.

Users often send a file first and say what to do with it next ("forecast the next 6 months"),
so a plugin asks ``ctx.document()`` and gets the file of this message or, failing that, the
latest document (or photo) the same user sent in the same chat within ``RECENT_FILE_WINDOW``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePath

RECENT_FILE_WINDOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class UploadedFile:
    """A document's or photo's name, declared type and bytes."""

    file_name: str
    mime_type: str | None
    data: bytes

    @property
    def extension(self) -> str:
        """Lower-case extension with the dot (".csv"), or "" when the name has none."""
        return PurePath(self.file_name).suffix.lower()


def extension_of(file_name: str | None) -> str:
    return PurePath(file_name or "").suffix.lower()
