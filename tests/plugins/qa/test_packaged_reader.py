"""The plugin with the packaged reader itself (loads torch and the weights: ~15 s)."""

from __future__ import annotations

import pytest

from models.qa.packaged import SHIPPED_DELTA
from models.registry import ModelRegistry
from plugins.qa.answering import Answerer, AnsweringOptions
from plugins.qa.knowledge_base import KnowledgeBase
from plugins.qa.reading import Reader, register_reader

PASSAGE = (
    b"# Hedgehog facts\n\nHedgehogs are small mammals covered in spines. "
    b"They eat insects, worms and snails. In winter hedgehogs hibernate for several months.\n"
)


@pytest.mark.skipif(not SHIPPED_DELTA.is_file(), reason=f"no trained reader at {SHIPPED_DELTA}")
async def test_the_packaged_reader_loads_and_reads(sqlite_kb: KnowledgeBase) -> None:
    models = ModelRegistry()
    register_reader(models)
    register_reader(models)  # a plugin reload registers again: no error
    reader = Reader(models)
    try:
        reader.load_in_background()
        assert await reader.loaded()
        passage = PASSAGE.decode().split("\n\n", 1)[1]
        answers = await reader.read("What do hedgehogs eat?", [passage])
        assert answers and answers[0].text in passage
        await sqlite_kb.add(PASSAGE, filename="hedgehogs.md", source="test: hedgehogs")
        answerer = Answerer(sqlite_kb, reader, AnsweringOptions())
        found = (await answerer.answer("What do hedgehogs eat?", "en")).answer
        # Span or sentence, depending on how sure the weights are: either way from here.
        assert found is not None and found.text in found.sentence
        assert found.sentence == "They eat insects, worms and snails."
    finally:
        await reader.close()
        await models.close()
