"""Where the chart and CSV of each answer are written: one fresh folder per answer under
``<data_dir>/forecasts``, so two users' ``forecast_sales.csv`` never collide; the oldest
folders beyond ``KEEP`` are deleted (the files only need to live until they are sent). The
folder name carries the user's id, so ``/forget`` can delete what was made from their data."""

from __future__ import annotations

import re
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

KEEP = 50
_UNSAFE = re.compile(r"[^\w.-]+", re.UNICODE)


def answer_folder(root: Path, user_id: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    folder = root / f"{stamp}-u{user_id}-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    for old in sorted(p for p in root.iterdir() if p.is_dir())[:-KEEP]:
        shutil.rmtree(old, ignore_errors=True)
    return folder


def csv_name(file_name: str) -> str:
    """``forecast_<the user's file name>.csv``, with only safe characters."""
    stem = _UNSAFE.sub("_", Path(file_name).stem).strip("._") or "data"
    return f"forecast_{stem[:60]}.csv"


def forget_user_files(root: Path, user_id: int) -> int:
    """Delete the answer folders made for ``user_id``; returns how many."""
    if not root.is_dir():
        return 0
    folders = [p for p in root.iterdir() if p.is_dir() and f"-u{user_id}-" in p.name]
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    return len(folders)
