"""Where pictures are written before they are sent: ``<data_dir>/imagegen/u<user>/``.

A picture only has to live until its reply is delivered (or resent after a restart), so each
user keeps the newest ``KEEP`` files; ``/forget`` deletes the folder, with any style picture
the user gave."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

KEEP = 20
STYLE_FILE = "my_style.png"


def user_folder(root: Path, user_id: int) -> Path:
    folder = root / f"u{user_id}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_picture_path(root: Path, user_id: int, stem: str) -> Path:
    folder = user_folder(root, user_id)
    made = sorted(
        (p for p in folder.glob("*.png") if p.name != STYLE_FILE), key=lambda p: p.stat().st_mtime
    )
    for old in made[: max(0, len(made) - KEEP + 1)]:
        old.unlink(missing_ok=True)
    return folder / f"{stem}-{uuid.uuid4().hex[:8]}.png"


def style_path(root: Path, user_id: int) -> Path:
    return user_folder(root, user_id) / STYLE_FILE


def forget(root: Path, user_id: int) -> None:
    shutil.rmtree(root / f"u{user_id}", ignore_errors=True)
