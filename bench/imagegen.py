"""Image models: super-resolution against bicubic, style transfer, landscapes, tiny diffusers.

    python -m bench.imagegen --out bench/out/imagegen.json [--data FOLDER] [--style mosaic]

- ``superres``: every picture of ``--data`` (default: the scikit-image samples held out of
  training, ``models.imagegen.sample_images.HELD_OUT``) is cut to a multiple of the factor,
  downscaled with Pillow's antialiased bicubic, 8-bit quantised, and upscaled back by the
  shipped network and by bicubic in the same run; PSNR and SSIM on luminance with a border of
  ``factor`` pixels left out (the usual way). ×2 at the top level, ×4 under ``x4``.
  ``ms_per_image`` is the network's time per picture on the CPU.
- ``style``: the held-out photo (chelsea) re-drawn in ``--style``: the slow optimisation
  (the plugin's defaults: 80 steps, 384 px) and the fast network (full size); content and
  style losses are the fast network's on the EfficientNet-lite0 features, with the photo's own
  style loss (``photo_style_loss``) and the slow result's for comparison.
- ``terrain``: one 512 × 512 landscape relief from a prompt, seconds (model loaded).
- ``diffusers_tiny``: the test suite's tiny random Stable Diffusion pipeline (built here, no
  download), one 32 × 32 image in 2 steps through the plugin's code path: what the machinery
  costs, not what a real checkpoint takes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bench.output import write_json
from models.imagegen.features import FeatureExtractor
from models.imagegen.pictures import fit_within
from models.imagegen.quality import evaluate_superres
from models.imagegen.sample_images import HELD_OUT, load_rgb, load_samples
from models.imagegen.style_losses import content_loss, style_loss, style_targets
from models.imagegen.style_net import StyleNetworks, to_tensor
from models.imagegen.style_slow import optimise
from models.imagegen.styles import style_picture
from models.imagegen.superres import load_network
from models.imagegen.terrain import TerrainPainter, TerrainRequest, read_prompt

STYLE_PHOTO = "skimage:chelsea.png"
PICTURES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff")


def superres(images: dict[str, NDArray[np.uint8]]) -> dict[str, Any]:
    import torch

    def runner(factor: int) -> Any:
        network = load_network(factor, "cpu")

        def upscale(low: NDArray[np.float32]) -> NDArray[np.float32]:
            with torch.inference_mode():
                tensor = torch.from_numpy(np.ascontiguousarray(low))[None, None]
                result: NDArray[np.float32] = network(tensor)[0, 0].clamp(0, 1).numpy()
            return result

        return upscale

    x2 = evaluate_superres(images, 2, runner(2))
    x4 = evaluate_superres(images, 4, runner(4))
    return {**x2, "x4": x4}


def style(name: str) -> dict[str, Any]:
    import torch

    photo = load_samples((STYLE_PHOTO,))[STYLE_PHOTO]
    look = style_picture(name)
    extractor = FeatureExtractor.packaged("cpu")
    started = time.perf_counter()
    slow = optimise(extractor, photo, look)
    slow_seconds = time.perf_counter() - started
    networks = StyleNetworks.packaged("cpu")
    networks.stylise([photo[:64, :64]], name)  # warm-up: first call allocates
    started = time.perf_counter()
    fast = networks.stylise([photo], name)[0]
    fast_ms = 1000 * (time.perf_counter() - started)
    with torch.no_grad():
        grams = style_targets(extractor.features(to_tensor(fit_within(look, 256))))
        target = extractor.features(to_tensor(photo))
        found = extractor.features(to_tensor(fast))
        photo_style = float(style_loss(target, grams))
        return {
            "style": name,
            "photo": STYLE_PHOTO,
            "slow_seconds": round(slow_seconds, 2),
            "fast_ms": round(fast_ms, 1),
            "content_loss": round(float(content_loss(found, target)), 4),
            "style_loss": round(float(style_loss(found, grams)), 4),
            "photo_style_loss": round(photo_style, 4),
            "slow_content_loss": round(slow.content_loss, 4),
            "slow_style_loss": round(slow.style_loss, 4),
            "size": list(photo.shape[:2]),
        }


def terrain() -> dict[str, Any]:
    painter = TerrainPainter.packaged("cpu")
    request = TerrainRequest(read_prompt("горный пейзаж на закате"), 512)
    painter.paint(TerrainRequest(read_prompt("warm-up"), 128))
    started = time.perf_counter()
    painter.paint(request)
    return {"seconds": round(time.perf_counter() - started, 3), "size": 512}


def diffusers_tiny() -> dict[str, Any]:
    # The test suite's builder: the benchmark times the same tiny pipeline the tests run.
    from models.imagegen.diffusion import DiffusionPainter, Sampling, TextToImageRequest
    from tests.plugins.imagegen.tiny_pipeline import SIDE, build_tiny_pipeline

    with tempfile.TemporaryDirectory() as folder:
        painter = DiffusionPainter.from_folder(
            build_tiny_pipeline(Path(folder)), "cpu", safety_filter=False
        )
        request = TextToImageRequest("a lighthouse", Sampling(2, 5.0, SIDE, SIDE), 1)
        painter.paint_many([request])  # warm-up
        started = time.perf_counter()
        painter.paint_many([request])
        return {"seconds": round(time.perf_counter() - started, 3), "side": SIDE, "steps": 2}


def load_folder(folder: Path) -> dict[str, NDArray[np.uint8]]:
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in PICTURES)
    if not paths:
        raise SystemExit(f"no pictures ({', '.join(PICTURES)}) in {folder}")
    return {p.name: load_rgb(p) for p in paths}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="folder of pictures (default: held-out samples)")
    parser.add_argument("--out", type=Path, default=Path("bench/out/imagegen.json"))
    parser.add_argument("--style", default="mosaic")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(2)
    images = load_folder(args.data) if args.data else load_samples(HELD_OUT)
    result = {
        "superres": superres(images),
        "style": style(args.style),
        "terrain": terrain(),
        "diffusers_tiny": diffusers_tiny(),
        "data": str(args.data) if args.data else "scikit-image samples held out of training",
        "torch": torch.__version__,
    }
    write_json(args.out, result)
    print_table(result)


def print_table(result: dict[str, Any]) -> None:
    sr = result["superres"]
    rows = [("×2", sr), ("×4", sr["x4"])]
    print("super-resolution (Y channel, border = factor)   PSNR dB  SSIM    ms/image")
    for label, block in rows:
        gain = block["sova"]["psnr"] - block["bicubic"]["psnr"]
        print(f"  {label} Sova     {block['sova']['psnr']:7.2f}  {block['sova']['ssim']:.4f}  "
              f"{block['ms_per_image']:8.1f}   (+{gain:.2f} dB over bicubic)")  # fmt: skip
        print(
            f"  {label} bicubic  {block['bicubic']['psnr']:7.2f}  {block['bicubic']['ssim']:.4f}"
        )
    st = result["style"]
    print(f"style «{st['style']}»: slow {st['slow_seconds']} s, fast {st['fast_ms']} ms "
          f"({st['size'][1]}×{st['size'][0]}); style loss photo {st['photo_style_loss']} → "
          f"fast {st['style_loss']}, slow {st['slow_style_loss']}; content loss fast "
          f"{st['content_loss']}, slow {st['slow_content_loss']}")  # fmt: skip
    print(f"terrain 512×512: {result['terrain']['seconds']} s")
    print(f"diffusers tiny 32×32, 2 steps: {result['diffusers_tiny']['seconds']} s")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
