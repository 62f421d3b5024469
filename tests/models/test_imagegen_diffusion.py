"""Text-to-image through diffusers with a tiny pipeline the test builds (random weights, no
download): loading from a folder, batching of concurrent users through the registry, seeds,
progress, and the safety filter."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from models.imagegen.diffusion import (
    DiffusionPainter,
    DiffusionSetupError,
    Sampling,
    TextToImageRequest,
    TextToImageResult,
)
from models.imagegen.specs import diffusion_spec
from models.registry import ModelRegistry
from tests.plugins.imagegen.tiny_pipeline import SIDE, build_tiny_pipeline

SAMPLING = Sampling(steps=2, guidance=5.0, width=SIDE, height=SIDE)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_pipeline(tmp_path_factory.mktemp("tiny-sd"))


async def test_registry_batches_concurrent_prompts_into_one_call(plain: Path) -> None:
    registry = ModelRegistry()
    registry.register(diffusion_spec("t2i", plain, safety_filter=False, device="cpu"))
    await registry.get("t2i")  # loaded first, so both requests meet in the queue
    seen: list[float] = []
    first, second = await asyncio.gather(
        registry.run("t2i", TextToImageRequest("a red cube", SAMPLING, 5, 2, seen.append)),
        registry.run("t2i", TextToImageRequest("a blue ball", SAMPLING, 9, 1)),
    )
    assert isinstance(first, TextToImageResult) and isinstance(second, TextToImageResult)
    assert [img.shape for img in first.images] == [(SIDE, SIDE, 3)] * 2
    assert first.seeds == (5, 6) and second.seeds == (9,)
    assert all(img.dtype == np.uint8 for img in (*first.images, *second.images))
    assert seen == [0.5, 1.0]  # one report per denoising step
    (info,) = registry.loaded()
    assert info.stats is not None and info.stats.batches == 1
    assert info.stats.mean_batch_size == 2
    await registry.close()


def test_a_seed_draws_the_same_picture_again(plain: Path) -> None:
    painter = DiffusionPainter.from_folder(plain, "cpu", safety_filter=False)
    once, twice, other = painter.paint_many(
        [
            TextToImageRequest("a lighthouse", SAMPLING, 42),
            TextToImageRequest("a lighthouse", SAMPLING, 42),
            TextToImageRequest("a lighthouse", SAMPLING, 43),
        ]
    )
    assert np.array_equal(once.images[0], twice.images[0])
    assert not np.array_equal(once.images[0], other.images[0])


def test_requests_with_different_sizes_are_drawn_at_their_size(plain: Path) -> None:
    painter = DiffusionPainter.from_folder(plain, "cpu", safety_filter=False)
    wide = Sampling(steps=1, guidance=1.0, width=2 * SIDE, height=SIDE)
    square, landscape = painter.paint_many(
        [TextToImageRequest("a cat", SAMPLING, 1), TextToImageRequest("a cat", wide, 1)]
    )
    assert square.images[0].shape == (SIDE, SIDE, 3)
    assert landscape.images[0].shape == (SIDE, 2 * SIDE, 3)


def test_safety_filter_needs_a_checker(plain: Path) -> None:
    with pytest.raises(DiffusionSetupError, match="safety_filter = false"):
        DiffusionPainter.from_folder(plain, "cpu", safety_filter=True)


def test_flagged_images_are_withheld(tmp_path: Path) -> None:
    folder = build_tiny_pipeline(tmp_path / "strict", safety_checker=True, flag_all=True)
    painter = DiffusionPainter.from_folder(folder, "cpu", safety_filter=True)
    (result,) = painter.paint_many([TextToImageRequest("anything", SAMPLING, 3, 2)])
    assert result.images == () and result.withheld == 2


def test_a_folder_without_a_pipeline_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(DiffusionSetupError, match=r"model_index\.json"):
        DiffusionPainter.from_folder(tmp_path, "cpu", safety_filter=False)
