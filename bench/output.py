"""Where every benchmark's JSON goes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_json(out: Path, result: dict[str, Any]) -> None:
    """Write ``result`` to ``out`` (creating its folder), UTF-8, indented."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
