from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from tests.e2e.harness import make_settings


@pytest.fixture
def settings(tmp_path: Path, nlu_cache: Path) -> Settings:
    return make_settings(
        tmp_path, db_url=f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}", nlu_cache=nlu_cache
    )
