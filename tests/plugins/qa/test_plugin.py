"""The plugin shell: discoverable, loads the index at start, indexes the configured sources."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from bot.config import PluginsSettings
from bot.plugin_registry import discover_plugin_classes
from bot.plugins import PluginRuntime
from bot.storage import Database
from plugins.qa import QuestionAnswering
from plugins.qa.config import QaConfig


@dataclass
class _Settings:
    data_dir: Path

    def data_path(self, path: Path) -> Path:
        return path if path.is_absolute() else self.data_dir / path


@dataclass
class _Runtime:
    """The two things the plugin uses from the runtime (without the reader)."""

    db: Database
    settings: _Settings


def test_the_plugin_is_found_by_name_and_validates_its_config() -> None:
    settings = PluginsSettings.model_validate(
        {"enabled": ["qa"], "entry_points": False, "qa": {"top_k": 3}}
    )
    cls = discover_plugin_classes(settings)["qa"]
    assert cls is QuestionAnswering
    assert cls.config_model.model_validate(settings.section("qa")) == QaConfig(top_k=3)


def test_config_turns_into_ingest_options() -> None:
    options = QaConfig(max_document_mb=2, passage_words=100, overlap_words=500).ingest_options()
    assert options.max_bytes == 2 * 2**20
    assert options.chunking.target_words == 100
    assert options.chunking.max_words == 200
    assert options.chunking.overlap_words == 99


async def test_start_indexes_the_docs_and_the_folders(database: Database, tmp_path: Path) -> None:
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "hedgehogs.md").write_text(
        "# Hedgehogs\n\nHedgehogs eat insects and sleep all winter."
    )
    runtime = _Runtime(database, _Settings(tmp_path))
    config = QaConfig(folders=("kb",), use_reader=False)
    plugin = QuestionAnswering(cast(PluginRuntime, runtime), config)
    await plugin.setup()
    await plugin.started()
    await asyncio.wait_for(plugin.synced(), timeout=60)
    titles = {d.title for d in await plugin.kb.documents()}
    assert {"Sova", "Hedgehogs"} <= titles
    hits = await plugin.kb.search("Что едят ежи?", k=1)
    assert hits[0].document_title == "Hedgehogs"
    await plugin.teardown()
