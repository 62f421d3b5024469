"""PSNR and SSIM of super-resolution on whole pictures, the way papers report them.

Measured on the luminance channel with a border of ``factor`` pixels left out (the edges have
no neighbours to infer from, and every method handles them differently), ×255 scale.
Shared by the training script (held-out metrics in the sidecar) and ``bench/imagegen.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from models.imagegen.pictures import rgb_to_ycbcr
from models.imagegen.superres import bicubic_gray

Gray = NDArray[np.float32]


def psnr(reference: Gray, estimate: Gray) -> float:
    mse = float(np.mean((reference.astype(np.float64) - estimate.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(1.0 / mse)


def ssim(reference: Gray, estimate: Gray) -> float:
    """Wang et al. 2004: 11×11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03, data range 1."""
    from scipy.ndimage import gaussian_filter

    x, y = reference.astype(np.float64), estimate.astype(np.float64)

    def blur(a: NDArray[np.float64]) -> NDArray[np.float64]:
        result: NDArray[np.float64] = gaussian_filter(a, 1.5, truncate=3.5)
        return result

    c1, c2 = 0.01**2, 0.03**2
    mx, my = blur(x), blur(y)
    vx, vy, cxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    index = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx**2 + my**2 + c1) * (vx + vy + c2))
    # Windows that hang over the edge are not counted (as skimage does).
    pad = 5
    return float(index[pad:-pad, pad:-pad].mean())


def luminance(pixels: NDArray[np.uint8]) -> Gray:
    return rgb_to_ycbcr(pixels.astype(np.float32) / 255.0)[..., 0]


def evaluate_superres(
    images: Mapping[str, NDArray[np.uint8]],
    factor: int,
    upscale_y: Callable[[Gray], Gray],
) -> dict[str, Any]:
    """Mean PSNR/SSIM of ``upscale_y`` and of bicubic over ``images`` (each cropped to a
    multiple of ``factor``, downscaled bicubically, upscaled back)."""
    rows: dict[str, dict[str, float]] = {}
    sova_psnr, sova_ssim, bic_psnr, bic_ssim, seconds = [], [], [], [], []
    for name, pixels in images.items():
        high = luminance(pixels)
        height, width = (high.shape[0] // factor) * factor, (high.shape[1] // factor) * factor
        high = high[:height, :width]
        low = bicubic_gray(high, (width // factor, height // factor))
        low = (np.round(np.clip(low, 0.0, 1.0) * 255.0) / 255.0).astype(np.float32)
        started = time.perf_counter()
        estimate = np.clip(upscale_y(low), 0.0, 1.0)
        seconds.append(time.perf_counter() - started)
        baseline = np.clip(bicubic_gray(low, (width, height)), 0.0, 1.0)
        b = factor
        crop = (slice(b, -b), slice(b, -b))
        scores = {
            "sova_psnr": psnr(high[crop], estimate[crop]),
            "sova_ssim": ssim(high[crop], estimate[crop]),
            "bicubic_psnr": psnr(high[crop], baseline[crop]),
            "bicubic_ssim": ssim(high[crop], baseline[crop]),
        }
        rows[name] = {k: round(v, 4) for k, v in scores.items()}
        sova_psnr.append(scores["sova_psnr"])
        sova_ssim.append(scores["sova_ssim"])
        bic_psnr.append(scores["bicubic_psnr"])
        bic_ssim.append(scores["bicubic_ssim"])
    return {
        "factor": factor,
        "sova": {"psnr": _mean(sova_psnr), "ssim": _mean(sova_ssim)},
        "bicubic": {"psnr": _mean(bic_psnr), "ssim": _mean(bic_ssim)},
        "ms_per_image": round(1000 * float(np.mean(seconds)), 1) if seconds else 0.0,
        "images": rows,
    }


def _mean(values: list[float]) -> float:
    return round(float(np.mean(values)), 4) if values else float("nan")
