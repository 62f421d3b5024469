"""Content and style losses on EfficientNet-lite0 features (Gatys et al.; Johnson et al.).

Content: mean squared difference of activations at ``CONTENT_LAYERS``. Style: mean squared
difference of Gram matrices (channel correlations, which keep texture and colour and drop
layout) at ``STYLE_LAYERS``, each normalised by its size so every layer counts about alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from models.imagegen.features import CONTENT_LAYERS, STYLE_LAYERS

if TYPE_CHECKING:
    import torch


def gram(activations: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) → (N, C, C), divided by C·H·W so image size does not change the scale."""
    n, c, h, w = activations.shape
    flat = activations.reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2) / (c * h * w)


def style_targets(features: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {layer: gram(features[layer]) for layer in STYLE_LAYERS}


def content_loss(
    features: dict[str, torch.Tensor], target: dict[str, torch.Tensor]
) -> torch.Tensor:
    import torch

    losses = [torch.mean((features[layer] - target[layer]) ** 2) for layer in CONTENT_LAYERS]
    return torch.stack(losses).sum()


def style_loss(features: dict[str, torch.Tensor], grams: dict[str, torch.Tensor]) -> torch.Tensor:
    """``grams`` are the style picture's (batch 1; broadcast over the batch)."""
    import torch

    losses = []
    for layer in STYLE_LAYERS:
        g = gram(features[layer])
        target = grams[layer]
        # Relative to the target's own energy: layers differ by orders of magnitude in scale.
        scale = torch.mean(target**2).clamp_min(1e-12)
        losses.append(torch.mean((g - target) ** 2) / scale)
    return torch.stack(losses).mean()


def total_variation(images: torch.Tensor) -> torch.Tensor:
    """Smoothness prior: stops the optimiser from inventing pixel-level noise."""
    import torch

    dx = images[..., :, 1:] - images[..., :, :-1]
    dy = images[..., 1:, :] - images[..., :-1, :]
    return torch.mean(dx.abs()) + torch.mean(dy.abs())
