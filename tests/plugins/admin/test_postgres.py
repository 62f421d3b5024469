"""/stats and /export on PostgreSQL: the same SQL aggregates and export as on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import running_sova
from tests.plugins.admin.helpers import ADMIN, admin_settings
from tests.plugins.admin.history import seed_history
from tests.plugins.admin.test_export import check_export
from tests.plugins.admin.test_stats import check_stats


@pytest.mark.postgres
async def test_stats_and_export_on_postgres(
    tmp_path: Path, nlu_cache: Path, postgres_url: str
) -> None:
    settings = admin_settings(tmp_path, nlu_cache, db_url=postgres_url)
    async with running_sova(settings, user_id=ADMIN) as chat:
        assert chat.app.db.dialect == "postgresql"
        moments = await seed_history(chat.app.db)
        await check_stats(chat, moments)
        await check_export(chat, moments, said_before=("/stats",))
