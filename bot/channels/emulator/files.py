"""Files the emulator holds: uploads by the bot and media sent by the simulated users.

Bytes live under ``data_dir`` so that large voice notes and documents do not sit in memory;
the index (file_id → metadata) is in memory, like everything else the emulator keeps.
"""

from __future__ import annotations

import hashlib
import mimetypes
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Telegram's own folder names for file paths returned by getFile.
_FOLDERS = {
    "photo": "photos",
    "voice": "voice",
    "audio": "music",
    "document": "documents",
}


@dataclass(frozen=True, slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str  # relative, as getFile reports it: "voice/file_3.oga"
    size: int
    mime_type: str | None
    file_name: str | None

    def to_api_file(self) -> dict[str, Any]:
        """The Bot API ``File`` object returned by getFile."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


class FileStore:
    def __init__(self, data_dir: Path) -> None:
        self._root = data_dir / "files"
        self._by_id: dict[str, StoredFile] = {}
        self._counter = 0

    def add(
        self, data: bytes, *, kind: str, mime_type: str | None, file_name: str | None
    ) -> StoredFile:
        """Store ``data``; ``kind`` is the media type (photo, voice, audio, document)."""
        self._counter += 1
        extension = _extension(mime_type, file_name, kind)
        relative = f"{_FOLDERS.get(kind, 'documents')}/file_{self._counter}{extension}"
        target = self._root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        stored = StoredFile(
            file_id=f"EMU{kind[:2].upper()}{self._counter}_{secrets.token_urlsafe(12)}",
            # Telegram's unique id is the same for the same content, whoever uploads it.
            file_unique_id=hashlib.sha256(data).hexdigest()[:16],
            file_path=relative,
            size=len(data),
            mime_type=mime_type,
            file_name=file_name,
        )
        self._by_id[stored.file_id] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        for stored in self._by_id.values():
            if stored.file_path == file_path:
                return stored
        return None

    def read(self, stored: StoredFile) -> bytes:
        return (self._root / stored.file_path).read_bytes()

    def disk_path(self, stored: StoredFile) -> Path:
        return self._root / stored.file_path


def guess_mime_type(file_name: str | None, fallback: str | None) -> str | None:
    if file_name:
        guessed, _ = mimetypes.guess_type(file_name)
        if guessed:
            return guessed
    return fallback


def _extension(mime_type: str | None, file_name: str | None, kind: str) -> str:
    if kind == "voice":
        # Telegram serves voice notes as .oga whatever the upload was called.
        return ".oga" if not mime_type or "ogg" in mime_type else ".webm"
    if file_name and "." in file_name:
        return "." + file_name.rsplit(".", 1)[1].lower()[:8]
    if mime_type:
        return mimetypes.guess_extension(mime_type) or ""
    return ".jpg" if kind == "photo" else ""
