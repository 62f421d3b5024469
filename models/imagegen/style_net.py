"""Fast style transfer: one small feed-forward network per style (Johnson et al. 2016).

An encoder (two strided convolutions), residual blocks, and a decoder that upsamples by
nearest neighbour then convolves (transposed convolutions leave a checkerboard). Instance
normalisation makes the result independent of the photo's overall contrast. Trained by
``train_style.py`` against the same perceptual losses the slow optimisation uses; a photo
then takes one forward pass.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from models.imagegen.pictures import RGB, to_uint8

if TYPE_CHECKING:
    import torch

WEIGHTS = Path(__file__).parent / "weights"


@dataclass(frozen=True)  # no slots: the class defaults double as CLI defaults
class NetShape:
    width: int = 12  # channels at full resolution; ×2 and ×4 after each downsampling
    residual_blocks: int = 3


def weights_path(style: str) -> Path:
    return WEIGHTS / f"style_{style}.safetensors"


def sidecar_path(style: str) -> Path:
    return WEIGHTS / f"style_{style}.json"


def trained_styles() -> tuple[str, ...]:
    """Styles whose transform network is shipped."""
    return tuple(
        sorted(p.stem.removeprefix("style_") for p in WEIGHTS.glob("style_*.safetensors"))
    )


def build_transform(shape: NetShape) -> torch.nn.Module:
    from torch import nn

    def conv(cin: int, cout: int, kernel: int, stride: int = 1) -> list[nn.Module]:
        return [
            nn.ReflectionPad2d(kernel // 2),
            nn.Conv2d(cin, cout, kernel, stride),
            nn.InstanceNorm2d(cout, affine=True),
            nn.ReLU(inplace=True),
        ]

    class Residual(nn.Module):
        def __init__(self, channels: int) -> None:
            super().__init__()
            layers = conv(channels, channels, 3)
            layers += conv(channels, channels, 3)[:-1]  # no ReLU before the sum
            self.body = nn.Sequential(*layers)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            result: torch.Tensor = x + self.body(x)
            return result

    w = shape.width
    layers: list[nn.Module] = [*conv(3, w, 9), *conv(w, 2 * w, 3, 2), *conv(2 * w, 4 * w, 3, 2)]
    layers += [Residual(4 * w) for _ in range(shape.residual_blocks)]
    layers += [nn.Upsample(scale_factor=2, mode="nearest"), *conv(4 * w, 2 * w, 3)]
    layers += [nn.Upsample(scale_factor=2, mode="nearest"), *conv(2 * w, w, 3)]
    layers += [nn.ReflectionPad2d(4), nn.Conv2d(w, 3, 9), nn.Sigmoid()]
    return nn.Sequential(*layers)


class StyleNetworks:
    """The shipped transform networks, loaded once; ``stylise`` is one forward pass."""

    def __init__(self, networks: dict[str, torch.nn.Module], device: str) -> None:
        self._networks = networks
        self.device = device

    @classmethod
    def packaged(cls, device: str = "cpu") -> StyleNetworks:
        return cls({name: load_transform(name, device) for name in trained_styles()}, device)

    @property
    def styles(self) -> tuple[str, ...]:
        return tuple(sorted(self._networks))

    def stylise(self, pictures: list[RGB], style: str) -> list[RGB]:
        """Each picture in ``style``, same size (the network needs sides divisible by 4, so
        the edges are padded by reflection and cut off again)."""
        import torch

        network = self._networks[style]
        results = []
        for pixels in pictures:
            tensor = to_tensor(pixels).to(self.device)
            height, width = tensor.shape[-2:]
            pad_h, pad_w = (-height) % 4, (-width) % 4
            if pad_h or pad_w:
                tensor = torch.nn.functional.pad(tensor, (0, pad_w, 0, pad_h), mode="reflect")
            with torch.inference_mode():
                out = network(tensor)[..., :height, :width]
            results.append(to_pixels(out))
        return results


def to_tensor(pixels: RGB) -> torch.Tensor:
    import torch

    return torch.from_numpy(np.ascontiguousarray(pixels)).permute(2, 0, 1)[None].float() / 255.0


def to_pixels(tensor: torch.Tensor) -> RGB:
    array = tensor[0].detach().clamp(0, 1).permute(1, 2, 0).cpu().numpy()
    return to_uint8(array)


def load_transform(style: str, device: str) -> torch.nn.Module:
    from safetensors.torch import load_file

    shape = NetShape(**read_sidecar(style)["shape"])
    network = build_transform(shape)
    state = {k: v.float() for k, v in load_file(str(weights_path(style))).items()}
    network.load_state_dict(state)
    return network.to(device).eval()


def read_sidecar(style: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(sidecar_path(style).read_text(encoding="utf-8"))
    return data
