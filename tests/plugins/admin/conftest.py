"""A real Sova with the admin plugin, user 99 an administrator by config, on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from tests.plugins.admin.helpers import admin_settings


@pytest.fixture
def settings(tmp_path: Path, nlu_cache: Path) -> Settings:
    return admin_settings(tmp_path, nlu_cache)
