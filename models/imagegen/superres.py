"""Super-resolution: a small FSRCNN-like network with a sub-pixel output, on luminance.

The network sees the low-resolution Y channel and predicts what bicubic upscaling misses
(global residual): the output is bicubic + correction, so an untrained network already equals
bicubic and training only has to learn the detail. Colour (Cb, Cr) is upscaled bicubically:
the eye resolves detail in brightness far better than in colour, and a grey network is three
times cheaper than an RGB one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from models.imagegen.pictures import RGB, rgb_to_ycbcr, to_uint8, ycbcr_to_rgb

if TYPE_CHECKING:
    import torch

WEIGHTS = Path(__file__).parent / "weights"
FACTORS = (2, 4)


@dataclass(frozen=True)  # no slots: the class defaults double as CLI defaults
class Architecture:
    """Widths of the network; saved beside the weights so a file says what it is."""

    features: int = 48  # d in FSRCNN: feature extraction width
    shrunk: int = 24  # s: the cheap width the mapping layers work at
    mapping: int = 4  # m: 3×3 layers at the shrunk width


def weights_path(factor: int) -> Path:
    return WEIGHTS / f"superres_x{factor}.safetensors"


def sidecar_path(factor: int) -> Path:
    return WEIGHTS / f"superres_x{factor}.json"


def build_network(factor: int, arch: Architecture) -> torch.nn.Module:
    """The residual network for one factor (its weights decide nothing about the others)."""
    import torch
    from torch import nn

    class SuperResolution(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            d, s = arch.features, arch.shrunk
            layers: list[nn.Module] = [nn.Conv2d(1, d, 5, padding=2), nn.PReLU(d)]
            layers += [nn.Conv2d(d, s, 1), nn.PReLU(s)]
            for _ in range(arch.mapping):
                layers += [nn.Conv2d(s, s, 3, padding=1), nn.PReLU(s)]
            layers += [nn.Conv2d(s, d, 1), nn.PReLU(d)]
            layers += [nn.Conv2d(d, factor * factor, 3, padding=1), nn.PixelShuffle(factor)]
            self.body = nn.Sequential(*layers)
            # A small last layer makes the untrained network nearly bicubic, so training starts
            # from the baseline instead of from noise. Not zero: with a zero last layer every
            # earlier gradient is zero too, and the network sits on that saddle for hundreds
            # of steps.
            last = layers[-2]
            assert isinstance(last, nn.Conv2d)
            with torch.no_grad():
                last.weight.mul_(0.1)

        def forward(self, low: torch.Tensor) -> torch.Tensor:
            base = nn.functional.interpolate(
                low, scale_factor=factor, mode="bicubic", align_corners=False
            )
            result: torch.Tensor = base + self.body(low)
            return result

    return SuperResolution()


class SuperResolver:
    """The shipped ×2 and ×4 networks, loaded once, upscaling RGB pictures."""

    def __init__(self, networks: dict[int, torch.nn.Module], device: str) -> None:
        self._networks = networks
        self.device = device

    @classmethod
    def packaged(cls, device: str = "cpu") -> SuperResolver:
        return cls({factor: load_network(factor, device) for factor in FACTORS}, device)

    @property
    def factors(self) -> tuple[int, ...]:
        return tuple(sorted(self._networks))

    def upscale(self, pixels: RGB, factor: int) -> RGB:
        """``pixels`` ``factor`` times larger on each side."""
        if factor not in self._networks:
            raise ValueError(f"factor {factor} is not available; use one of {self.factors}")
        import torch

        height, width = pixels.shape[:2]
        size = (width * factor, height * factor)
        ycbcr = rgb_to_ycbcr(pixels.astype(np.float32) / 255.0)
        low = torch.from_numpy(np.ascontiguousarray(ycbcr[..., 0]))[None, None].to(self.device)
        with torch.inference_mode():
            high_y = self._networks[factor](low)[0, 0].clamp(0, 1).cpu().numpy()
        colour = bicubic(pixels, size)
        high = rgb_to_ycbcr(colour.astype(np.float32) / 255.0)
        high[..., 0] = high_y
        return to_uint8(ycbcr_to_rgb(high))


def bicubic(pixels: RGB, size: tuple[int, int]) -> RGB:
    """Pillow's bicubic resize (antialiased when shrinking), the baseline and the LR maker."""
    resized = Image.fromarray(pixels, "RGB").resize(size, Image.Resampling.BICUBIC)
    return np.asarray(resized, dtype=np.uint8).copy()


def bicubic_gray(values: NDArray[np.float32], size: tuple[int, int]) -> NDArray[np.float32]:
    """Bicubic resize of one float channel (mode "F" keeps the precision uint8 would lose)."""
    resized = Image.fromarray(values, "F").resize(size, Image.Resampling.BICUBIC)
    return np.asarray(resized, dtype=np.float32).copy()


def load_network(factor: int, device: str) -> torch.nn.Module:
    """The shipped network for ``factor`` with the architecture its sidecar records."""
    from safetensors.torch import load_file

    arch = Architecture(**read_sidecar(factor)["architecture"])
    network = build_network(factor, arch)
    network.load_state_dict(
        {k: v.float() for k, v in load_file(str(weights_path(factor))).items()}
    )
    return network.to(device).eval()


def read_sidecar(factor: int) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(sidecar_path(factor).read_text(encoding="utf-8"))
    return data
