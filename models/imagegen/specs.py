"""``ModelSpec``s: how the registry loads and batches each image model.

Every model runs in the registry's worker thread (never on the event loop), one batch at a
time. Requests arriving together are batched where the model gains from it (text-to-image,
fast style of the same style); the rest take their batch one request at a time, which still
queues concurrent users fairly behind one model instead of running five copies at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from models.imagegen.diffusion import DiffusionPainter, TextToImageRequest, TextToImageResult
from models.imagegen.features import FeatureExtractor
from models.imagegen.pictures import RGB
from models.imagegen.style_net import StyleNetworks
from models.imagegen.style_slow import SlowResult, optimise
from models.imagegen.superres import SuperResolver
from models.imagegen.terrain import TerrainPainter, TerrainRequest
from models.spec import ModelSpec


@dataclass(frozen=True, slots=True)
class UpscaleRequest:
    pixels: RGB
    factor: int


@dataclass(frozen=True, slots=True)
class FastStyleRequest:
    pixels: RGB
    style: str


@dataclass(frozen=True, slots=True)
class SlowStyleRequest:
    content: RGB
    style: RGB
    steps: int
    max_side: int
    progress: Callable[[float], None] | None = None


def superres_spec(
    name: str, *, device: str = "auto"
) -> ModelSpec[SuperResolver, UpscaleRequest, RGB]:
    def infer(model: SuperResolver, batch: list[UpscaleRequest]) -> list[RGB]:
        return [model.upscale(r.pixels, r.factor) for r in batch]

    return ModelSpec(
        name=name,
        loader=SuperResolver.packaged,
        infer=infer,
        device=device,
        max_batch=4,
        timeout_s=120.0,
    )


def fast_style_spec(
    name: str, *, device: str = "auto"
) -> ModelSpec[StyleNetworks, FastStyleRequest, RGB]:
    def infer(model: StyleNetworks, batch: list[FastStyleRequest]) -> list[RGB]:
        return [model.stylise([r.pixels], r.style)[0] for r in batch]

    return ModelSpec(
        name=name,
        loader=StyleNetworks.packaged,
        infer=infer,
        device=device,
        max_batch=4,
        timeout_s=120.0,
    )


def slow_style_spec(
    name: str, *, device: str = "auto", timeout_s: float = 600.0
) -> ModelSpec[FeatureExtractor, SlowStyleRequest, SlowResult]:
    def infer(model: FeatureExtractor, batch: list[SlowStyleRequest]) -> list[SlowResult]:
        return [
            optimise(
                model, r.content, r.style, steps=r.steps, max_side=r.max_side,
                progress=r.progress,
            )
            for r in batch
        ]  # fmt: skip

    return ModelSpec(
        name=name,
        loader=FeatureExtractor.packaged,
        infer=infer,
        device=device,
        # An optimisation holds the model for tens of seconds: batching would only make the
        # first user wait for the second's picture.
        max_batch=1,
        timeout_s=timeout_s,
    )


def terrain_spec(
    name: str, *, device: str = "auto"
) -> ModelSpec[TerrainPainter, TerrainRequest, RGB]:
    def infer(model: TerrainPainter, batch: list[TerrainRequest]) -> list[RGB]:
        return [model.paint(r) for r in batch]

    return ModelSpec(
        name=name,
        loader=TerrainPainter.packaged,
        infer=infer,
        device=device,
        max_batch=4,
        timeout_s=120.0,
    )


def diffusion_spec(
    name: str,
    folder: Path,
    *,
    safety_filter: bool,
    device: str = "auto",
    max_batch: int = 4,
    max_wait_ms: float = 50.0,
    timeout_s: float = 600.0,
) -> ModelSpec[DiffusionPainter, TextToImageRequest, TextToImageResult]:
    """``max_wait_ms`` is longer than the registry's default: a generation takes seconds, so
    waiting 50 ms for a second user's prompt to share the UNet passes is cheap."""
    return ModelSpec(
        name=name,
        loader=lambda d: DiffusionPainter.from_folder(folder, d, safety_filter=safety_filter),
        infer=lambda model, batch: model.paint_many(batch),
        device=device,
        max_batch=max_batch,
        max_wait_ms=max_wait_ms,
        timeout_s=timeout_s,
    )
