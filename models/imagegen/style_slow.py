"""Slow style transfer: optimise the picture itself against content and style losses.

Gatys et al. 2016 with EfficientNet-lite0 features: start from the photo, take gradient steps
on its pixels so its features stay close to the photo's (content) while their Gram matrices
approach the style picture's (style). Any style picture works, at the price of one forward and
backward pass per step; ``progress`` is told the fraction done after every step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from models.imagegen.features import FeatureExtractor
from models.imagegen.pictures import RGB, fit_within
from models.imagegen.style_losses import (
    content_loss,
    style_loss,
    style_targets,
    total_variation,
)
from models.imagegen.style_net import to_pixels, to_tensor


@dataclass(frozen=True)  # no slots: the class defaults double as CLI defaults
class Weights:
    """How much each loss counts; the defaults were chosen by eye on the held-out photos."""

    content: float = 1.0
    style: float = 300.0
    smoothness: float = 0.5


@dataclass(frozen=True, slots=True)
class SlowResult:
    pixels: RGB
    content_loss: float
    style_loss: float


def optimise(
    extractor: FeatureExtractor,
    content: RGB,
    style: RGB,
    *,
    steps: int = 80,
    max_side: int = 384,
    weights: Weights = Weights(),
    learning_rate: float = 0.06,
    progress: Callable[[float], None] | None = None,
) -> SlowResult:
    """``content`` re-drawn in the manner of ``style``, at most ``max_side`` pixels wide."""
    import torch

    device = extractor.device
    photo = to_tensor(fit_within(content, max_side)).to(device)
    look = to_tensor(fit_within(style, max_side)).to(device)
    with torch.no_grad():
        content_target = {k: v.detach() for k, v in extractor.features(photo).items()}
        grams = style_targets(extractor.features(look))
    image = photo.clone().requires_grad_(True)
    optimiser = torch.optim.Adam([image], lr=learning_rate)
    c_loss = s_loss = torch.zeros(())
    for step in range(steps):
        found = extractor.features(image)
        c_loss = content_loss(found, content_target)
        s_loss = style_loss(found, grams)
        loss = (
            weights.content * c_loss
            + weights.style * s_loss
            + weights.smoothness * total_variation(image)
        )
        optimiser.zero_grad()
        loss.backward()  # type: ignore[no-untyped-call]
        optimiser.step()
        with torch.no_grad():
            image.clamp_(0.0, 1.0)
        if progress is not None:
            progress((step + 1) / steps)
    return SlowResult(to_pixels(image), float(c_loss.detach()), float(s_loss.detach()))
