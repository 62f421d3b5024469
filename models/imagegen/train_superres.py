"""Train the shipped super-resolution networks: ``python -m models.imagegen.train_superres``.

    nice -n 10 .venv/bin/python -m models.imagegen.train_superres --factor 2
    nice -n 10 .venv/bin/python -m models.imagegen.train_superres --factor 4

Data: the training half of ``sample_images`` (scikit-image and scikit-learn bundled images),
augmented heavily because fifteen pictures are few: random rescaling before cropping (so
textures appear at many sizes), flips and quarter turns, random luminance weights of the
colour channels, brightness and contrast jitter. Low-resolution inputs are made like the real
ones: Pillow's antialiased bicubic downscale, quantised to 8 bits.

Writes ``weights/superres_x<factor>.safetensors`` and a JSON sidecar with the data, settings,
seed, training curve, and held-out PSNR/SSIM (computed once at the end, never used to choose
anything).
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

from models.imagegen.quality import evaluate_superres
from models.imagegen.sample_images import HELD_OUT, TRAINING, load_samples
from models.imagegen.superres import (
    Architecture,
    bicubic_gray,
    build_network,
    sidecar_path,
    weights_path,
)

Channels = NDArray[np.float32]  # (height, width, 3) RGB in [0, 1]


def make_patch(
    image: Channels, hr_size: int, factor: int, rng: np.random.Generator
) -> tuple[Channels, Channels]:
    """One augmented (low, high) pair of luminance patches."""
    height, width = image.shape[:2]
    max_scale = min(2.5, height / hr_size, width / hr_size)
    scale = rng.uniform(1.0, max(1.0, max_scale))
    crop = min(round(hr_size * scale), height, width)
    top = int(rng.integers(0, height - crop + 1))
    left = int(rng.integers(0, width - crop + 1))
    region = image[top : top + crop, left : left + crop]
    # Random luminance weights: the network meets many "grey versions" of each colour image.
    weights = rng.dirichlet((4.0, 6.0, 2.0))
    gray = (region @ weights.astype(np.float32)).astype(np.float32)
    if crop != hr_size:
        gray = np.clip(bicubic_gray(gray, (hr_size, hr_size)), 0.0, 1.0)
    gray = np.rot90(gray, int(rng.integers(0, 4)))
    if rng.random() < 0.5:
        gray = gray[:, ::-1]
    contrast, brightness = rng.uniform(0.7, 1.2), rng.uniform(-0.1, 0.1)
    high = np.clip((gray - 0.5) * contrast + 0.5 + brightness, 0.0, 1.0).astype(np.float32)
    low_size = hr_size // factor
    low = bicubic_gray(np.ascontiguousarray(high), (low_size, low_size))
    low = (np.round(np.clip(low, 0.0, 1.0) * 255.0) / 255.0).astype(np.float32)
    return low, np.ascontiguousarray(high)


def batch_of(
    images: list[Channels], size: int, hr_size: int, factor: int, rng: np.random.Generator
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    # Larger pictures give more distinct patches, so they are drawn more often.
    areas = np.array([im.shape[0] * im.shape[1] for im in images], dtype=np.float64)
    picks = rng.choice(len(images), size=size, p=np.sqrt(areas) / np.sqrt(areas).sum())
    pairs = [make_patch(images[i], hr_size, factor, rng) for i in picks]
    low = np.stack([p[0] for p in pairs])[:, None]
    high = np.stack([p[1] for p in pairs])[:, None]
    return low, high


def train(args: argparse.Namespace) -> dict[str, Any]:
    import torch
    from safetensors.torch import save_file

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    samples = load_samples(TRAINING)
    images = [(im.astype(np.float32) / 255.0) for im in samples.values()]
    arch = Architecture(args.features, args.shrunk, args.mapping)
    network = build_network(args.factor, arch)
    optimiser = torch.optim.Adam(network.parameters(), lr=args.lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: 0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * step / args.steps))
    )
    val_rng = np.random.default_rng(args.seed + 1)
    val_low, val_high = batch_of(images, 64, args.patch, args.factor, val_rng)
    val_low_t, val_high_t = torch.from_numpy(val_low), torch.from_numpy(val_high)
    curve: list[dict[str, float]] = []
    started = time.perf_counter()
    running = 0.0
    for step in range(1, args.steps + 1):
        low, high = batch_of(images, args.batch, args.patch, args.factor, rng)
        prediction = network(torch.from_numpy(low))
        # L2, not L1: with L1 the median correction (zero) is a strong attractor and the
        # network stays bicubic for thousands of steps; PSNR is an L2 measure anyway.
        loss = torch.nn.functional.mse_loss(prediction, torch.from_numpy(high))
        optimiser.zero_grad()
        loss.backward()  # type: ignore[no-untyped-call]
        optimiser.step()
        schedule.step()
        running += float(loss)
        if step % args.log_every == 0 or step == args.steps:
            with torch.inference_mode():
                mse = torch.mean((network(val_low_t).clamp(0, 1) - val_high_t) ** 2)
            point = {
                "step": step,
                "loss": running / args.log_every,
                "val_psnr": float(-10 * torch.log10(mse)),
                "seconds": time.perf_counter() - started,
            }
            curve.append(point)
            running = 0.0
            print(json.dumps(point), flush=True)
    seconds = time.perf_counter() - started
    network.eval()
    state = {k: v.detach().contiguous() for k, v in network.state_dict().items()}
    save_file(state, str(weights_path(args.factor)))
    held_out = evaluate_superres(
        load_samples(HELD_OUT), args.factor, lambda low: _run(network, low)
    )
    sidecar = {
        "model": f"superres_x{args.factor}",
        "command": f"python -m models.imagegen.train_superres --factor {args.factor}"
        + (f" --steps {args.steps}" if args.steps != DEFAULT_STEPS else ""),
        "architecture": asdict(arch),
        "parameters": sum(p.numel() for p in network.parameters()),
        "data": {"training": list(TRAINING), "held_out": list(HELD_OUT)},
        "degradation": "Pillow bicubic downscale (antialiased), 8-bit quantised",
        "augmentation": [
            "rescale 1-2.5x before cropping",
            "flips and quarter turns",
            "random luminance weights (Dirichlet 4,6,2)",
            "contrast 0.7-1.2, brightness +-0.1",
        ],
        "training": {
            "steps": args.steps,
            "batch": args.batch,
            "hr_patch": args.patch,
            "loss": "L2",
            "optimiser": f"Adam lr {args.lr}, cosine to 2%",
            "seed": args.seed,
            "threads": args.threads,
            "seconds": round(seconds, 1),
        },
        "curve": curve,
        "held_out_metrics": held_out,
        "torch": torch.__version__,
    }
    sidecar_path(args.factor).write_text(json.dumps(sidecar, indent=2) + "\n", encoding="utf-8")
    return sidecar


def _run(network: Any, low: NDArray[np.float32]) -> NDArray[np.float32]:
    import torch

    with torch.inference_mode():
        tensor = torch.from_numpy(np.ascontiguousarray(low))[None, None]
        result: NDArray[np.float32] = network(tensor)[0, 0].clamp(0, 1).numpy()
    return result


DEFAULT_STEPS = 4000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=int, choices=(2, 4), required=True)
    parser.add_argument("--steps", type=int, default=DEFAULT_STEPS)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--patch", type=int, default=0, help="HR patch side (default 24*factor)")
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--features", type=int, default=Architecture.features)
    parser.add_argument("--shrunk", type=int, default=Architecture.shrunk)
    parser.add_argument("--mapping", type=int, default=Architecture.mapping)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--log-every", type=int, default=100)
    args = parser.parse_args(argv)
    if not args.patch:
        args.patch = 24 * args.factor
    result = train(args)
    print(json.dumps(result["held_out_metrics"], indent=2))


if __name__ == "__main__":
    main()
