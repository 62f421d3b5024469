"""Text-to-image with a diffusers pipeline an operator put in a local folder.

Any pipeline ``DiffusionPipeline.from_pretrained`` reads from a folder (Stable Diffusion 1.x/2.x,
SDXL, one-step turbo models) is loaded with ``local_files_only``: nothing is downloaded. On a
GPU it runs in fp16, on the CPU in fp32 (fp16 kernels are slow or missing there).

Batching: requests with the same steps, guidance and size run as one pipeline call (one
prompt per image, one seeded generator per image), so concurrent users share the UNet passes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models.imagegen.pictures import RGB, to_uint8


class DiffusionSetupError(RuntimeError):
    """The configured checkpoint cannot be used as configured; says what to change."""


@dataclass(frozen=True, slots=True)
class Sampling:
    """What a pipeline call is made of; requests that share it are batched."""

    steps: int
    guidance: float
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class TextToImageRequest:
    prompt: str
    sampling: Sampling
    seed: int
    count: int = 1
    # Called from the model's thread with the fraction done; must be thread-safe.
    progress: Callable[[float], None] | None = None


@dataclass(frozen=True, slots=True)
class TextToImageResult:
    images: tuple[RGB, ...]  # the images that passed the safety filter
    withheld: int  # images the safety filter flagged (not returned)
    seeds: tuple[int, ...]  # the seed of each returned image, to draw it again
    seconds: float


class DiffusionPainter:
    """A loaded pipeline and how to call it."""

    def __init__(self, pipeline: Any, device: str, *, safety_filter: bool) -> None:
        self.pipeline = pipeline
        self.device = device
        self.safety_filter = safety_filter

    @classmethod
    def from_folder(cls, folder: Path, device: str, *, safety_filter: bool) -> DiffusionPainter:
        import torch
        from diffusers import DiffusionPipeline

        if not (folder / "model_index.json").is_file():
            raise DiffusionSetupError(
                f"{folder} is not a diffusers pipeline folder (no model_index.json); "
                "point [plugins.imagegen] checkpoint at the folder save_pretrained wrote"
            )
        dtype = torch.float16 if device.startswith("cuda") else torch.float32
        options: dict[str, Any] = {"dtype": dtype, "local_files_only": True}
        if not safety_filter:
            options |= {"safety_checker": None, "requires_safety_checker": False}
        pipeline = DiffusionPipeline.from_pretrained(  # type: ignore[no-untyped-call]
            str(folder), **options
        )
        if safety_filter and getattr(pipeline, "safety_checker", None) is None:
            raise DiffusionSetupError(
                f"the checkpoint in {folder} has no safety checker, and safety_filter is on; "
                "add one to the folder or set [plugins.imagegen] safety_filter = false"
            )
        pipeline = pipeline.to(device)
        pipeline.set_progress_bar_config(disable=True)
        return cls(pipeline, device, safety_filter=safety_filter)

    def paint_many(self, requests: list[TextToImageRequest]) -> list[TextToImageResult]:
        """One result per request, in order; same-``Sampling`` requests share a call."""
        results: dict[int, TextToImageResult] = {}
        groups: dict[Sampling, list[int]] = {}
        for index, request in enumerate(requests):
            groups.setdefault(request.sampling, []).append(index)
        for sampling, indices in groups.items():
            batch = [requests[i] for i in indices]
            for i, result in zip(indices, self._paint(sampling, batch), strict=True):
                results[i] = result
        return [results[i] for i in range(len(requests))]

    def _paint(
        self, sampling: Sampling, batch: list[TextToImageRequest]
    ) -> list[TextToImageResult]:
        import torch

        started = time.perf_counter()
        prompts: list[str] = []
        generators: list[torch.Generator] = []
        seeds: list[int] = []
        for request in batch:
            for k in range(request.count):
                prompts.append(request.prompt)
                seeds.append(request.seed + k)
                generators.append(torch.Generator(self.device).manual_seed(request.seed + k))

        def on_step(_pipe: Any, step: int, _timestep: Any, tensors: dict[str, Any]) -> Any:
            done = (step + 1) / sampling.steps
            for request in batch:
                if request.progress is not None:
                    request.progress(min(1.0, done))
            return tensors

        output = self.pipeline(
            prompt=prompts,
            num_inference_steps=sampling.steps,
            guidance_scale=sampling.guidance,
            width=sampling.width,
            height=sampling.height,
            generator=generators,
            output_type="np",
            callback_on_step_end=on_step,
        )
        images = np.asarray(output.images)
        flags = getattr(output, "nsfw_content_detected", None) or [False] * len(prompts)
        seconds = time.perf_counter() - started
        results = []
        position = 0
        for request in batch:
            kept: list[RGB] = []
            kept_seeds: list[int] = []
            for k in range(request.count):
                if not flags[position + k]:
                    kept.append(to_uint8(images[position + k]))
                    kept_seeds.append(seeds[position + k])
            results.append(
                TextToImageResult(
                    images=tuple(kept),
                    withheld=request.count - len(kept),
                    seeds=tuple(kept_seeds),
                    seconds=seconds,
                )
            )
            position += request.count
        return results
