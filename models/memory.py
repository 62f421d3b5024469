"""Resident memory of a process, from /proc (Linux); None where that is not available."""

from __future__ import annotations

import os
from pathlib import Path

_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20 if hasattr(os, "sysconf") else 0.0


def resident_mb(pid: int | str = "self") -> float | None:
    """Resident set size in MiB of process ``pid`` (this one by default)."""
    try:
        fields = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return None
    return int(fields[1]) * _PAGE_MB if len(fields) > 1 and _PAGE_MB else None
