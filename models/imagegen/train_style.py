"""Train a fast style network: ``python -m models.imagegen.train_style --style mosaic``.

    nice -n 10 .venv/bin/python -m models.imagegen.train_style --style mosaic

Content pictures: random crops of the training half of ``sample_images`` (rescaled, flipped),
so the held-out photos stay unseen. Loss: the slow optimisation's own content + style +
smoothness losses (``style_losses``, EfficientNet-lite0 features) on the network's output.
Writes ``weights/style_<name>.safetensors`` (fp16: half the size, no visible difference) and
a JSON sidecar with data, settings, seed, the training curve and the losses on a held-out
photo.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import asdict
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from models.imagegen.features import FeatureExtractor
from models.imagegen.pictures import fit_within
from models.imagegen.sample_images import HELD_OUT, TRAINING, load_samples
from models.imagegen.style_losses import content_loss, style_loss, style_targets, total_variation
from models.imagegen.style_net import (
    NetShape,
    build_transform,
    sidecar_path,
    to_tensor,
    weights_path,
)
from models.imagegen.style_slow import Weights
from models.imagegen.styles import STYLES, style_picture

DEFAULT_STEPS = 800
EVAL_PHOTO = HELD_OUT[2]  # chelsea: a held-out photo with fur, eyes and a plain background


def crops(
    images: list[NDArray[np.uint8]], count: int, side: int, rng: np.random.Generator
) -> NDArray[np.float32]:
    batch = []
    for index in rng.integers(0, len(images), size=count):
        image = images[int(index)]
        height, width = image.shape[:2]
        crop = int(min(height, width, side * rng.uniform(1.0, 2.5)))
        top = int(rng.integers(0, height - crop + 1))
        left = int(rng.integers(0, width - crop + 1))
        region = Image.fromarray(image[top : top + crop, left : left + crop], "RGB")
        pixels = np.asarray(region.resize((side, side), Image.Resampling.BILINEAR))
        if rng.random() < 0.5:
            pixels = pixels[:, ::-1]
        batch.append(pixels.astype(np.float32) / 255.0)
    return np.ascontiguousarray(np.stack(batch).transpose(0, 3, 1, 2))


def train(args: argparse.Namespace, defaults: dict[str, Any]) -> dict[str, Any]:
    import torch
    from safetensors.torch import save_file

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    extractor = FeatureExtractor.packaged()
    images = [im for im in load_samples(TRAINING).values() if min(im.shape[:2]) >= args.size]
    look = to_tensor(fit_within(style_picture(args.style), args.style_side))
    with torch.no_grad():
        grams = style_targets(extractor.features(look))
    weights = Weights(content=args.content_weight, style=args.style_weight,
                      smoothness=args.smoothness)  # fmt: skip
    shape = NetShape(args.width, args.residual_blocks)
    network = build_transform(shape)
    optimiser = torch.optim.Adam(network.parameters(), lr=args.lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / args.steps))
    )
    curve: list[dict[str, float]] = []
    started = time.perf_counter()
    sums = [0.0, 0.0]
    for step in range(1, args.steps + 1):
        photos = torch.from_numpy(crops(images, args.batch, args.size, rng))
        output = network(photos)
        with torch.no_grad():
            target = extractor.features(photos)
        found = extractor.features(output)
        c_loss, s_loss = content_loss(found, target), style_loss(found, grams)
        loss = (
            weights.content * c_loss
            + weights.style * s_loss
            + weights.smoothness * total_variation(output)
        )
        optimiser.zero_grad()
        loss.backward()  # type: ignore[no-untyped-call]
        optimiser.step()
        schedule.step()
        sums[0] += float(c_loss.detach())
        sums[1] += float(s_loss.detach())
        if step % args.log_every == 0 or step == args.steps:
            point = {
                "step": step,
                "content_loss": sums[0] / args.log_every,
                "style_loss": sums[1] / args.log_every,
                "seconds": round(time.perf_counter() - started, 1),
            }
            sums = [0.0, 0.0]
            curve.append(point)
            print(json.dumps(point), flush=True)
    seconds = time.perf_counter() - started
    network.eval()
    held_out = evaluate(network, extractor, grams)
    state = {k: v.detach().half().contiguous() for k, v in network.state_dict().items()}
    save_file(state, str(weights_path(args.style)))
    extra = "".join(
        f" --{key.replace('_', '-')} {value}"
        for key, value in vars(args).items()
        if key != "style" and value != defaults.get(key)
    )
    sidecar = {
        "model": f"style_{args.style}",
        "command": f"python -m models.imagegen.train_style --style {args.style}{extra}",
        "style_picture": {
            "file": f"models/imagegen/styles/{args.style}.jpg",
            "source": STYLES[args.style].source,
            "licence": STYLES[args.style].licence,
        },
        "shape": asdict(shape),
        "parameters": sum(p.numel() for p in network.parameters()),
        "data": {
            "content": [n for n in TRAINING],
            "crop": args.size,
            "augmentation": ["random crop 1-2.5x the side, resized", "horizontal flip"],
        },
        "loss": {"features": "EfficientNet-lite0 (stem, blocks 0, 2, 4, 7)", **asdict(weights)},
        "training": {
            "steps": args.steps,
            "batch": args.batch,
            "optimiser": f"Adam lr {args.lr}, cosine to 10%",
            "seed": args.seed,
            "threads": args.threads,
            "seconds": round(seconds, 1),
        },
        "curve": curve,
        "held_out": {"photo": EVAL_PHOTO, **held_out},
        "torch": torch.__version__,
    }
    sidecar_path(args.style).write_text(json.dumps(sidecar, indent=2) + "\n", encoding="utf-8")
    return sidecar


def evaluate(network: Any, extractor: FeatureExtractor, grams: Any) -> dict[str, float]:
    """Content and style losses of the network's output on a held-out photo (full size)."""
    import torch

    photo = to_tensor(load_samples((EVAL_PHOTO,))[EVAL_PHOTO])
    height, width = photo.shape[-2:]
    photo = photo[..., : height - height % 4, : width - width % 4]
    with torch.no_grad():
        found = extractor.features(network(photo))
        target = extractor.features(photo)
        return {
            "content_loss": round(float(content_loss(found, target)), 4),
            "style_loss": round(float(style_loss(found, grams)), 4),
        }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--style", choices=sorted(STYLES), required=True)
    parser.add_argument("--steps", type=int, default=DEFAULT_STEPS)
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--size", type=int, default=128, help="side of the content crops")
    parser.add_argument("--style-side", type=int, default=256)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--width", type=int, default=NetShape.width)
    parser.add_argument("--residual-blocks", type=int, default=NetShape.residual_blocks)
    parser.add_argument("--content-weight", type=float, default=Weights.content)
    parser.add_argument("--style-weight", type=float, default=Weights.style)
    parser.add_argument("--smoothness", type=float, default=Weights.smoothness)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--log-every", type=int, default=50)
    args = parser.parse_args(argv)
    # Options left at their defaults are not repeated in the sidecar's command.
    result = train(args, vars(parser.parse_args(["--style", args.style])))
    print(json.dumps(result["held_out"], indent=2))


if __name__ == "__main__":
    main()
