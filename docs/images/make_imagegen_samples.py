"""Sample pictures of docs/imagegen.md: ``python docs/images/make_imagegen_samples.py``.

Every picture comes from the shipped weights and the scikit-image samples held out of
training, so running this again gives the same files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from models.imagegen.features import FeatureExtractor
from models.imagegen.pictures import fit_within
from models.imagegen.sample_images import load_samples
from models.imagegen.style_net import StyleNetworks, trained_styles
from models.imagegen.style_slow import optimise
from models.imagegen.styles import style_picture
from models.imagegen.superres import SuperResolver, bicubic
from models.imagegen.terrain import TerrainPainter, TerrainRequest, read_prompt

HERE = Path(__file__).parent


def save(pixels: np.ndarray, name: str) -> None:
    # 256 colours with dithering: a third of the bytes, and a sample needs no more.
    image = Image.fromarray(pixels).quantize(256, dither=Image.Dither.FLOYDSTEINBERG)
    image.save(HERE / name, optimize=True)
    print(name, (HERE / name).stat().st_size // 1024, "KB")


def row(*pictures: np.ndarray, gap: int = 4) -> np.ndarray:
    height = max(p.shape[0] for p in pictures)
    parts = []
    for p in pictures:
        padded = np.full((height, p.shape[1], 3), 255, dtype=np.uint8)
        padded[: p.shape[0]] = p
        parts += [padded, np.full((height, gap, 3), 255, dtype=np.uint8)]
    return np.concatenate(parts[:-1], axis=1)


def main() -> None:
    samples = load_samples(("skimage:chelsea.png", "skimage:astronaut.png", "skimage:coffee.png"))
    photo = fit_within(samples["skimage:astronaut.png"], 200)
    networks = StyleNetworks.packaged("cpu")
    styled = [networks.stylise([photo], name)[0] for name in trained_styles()]
    save(row(photo, *styled), "imagegen-styles.png")

    cat = fit_within(samples["skimage:chelsea.png"], 240)
    extractor = FeatureExtractor.packaged("cpu")
    slow = optimise(extractor, cat, style_picture("mosaic"), max_side=240).pixels
    save(row(cat, fit_within(style_picture("mosaic"), 160), slow), "imagegen-slow-style.png")

    # Upscaling: the cat's eye and fur, shrunk ×2 and enlarged back; shown at 2× zoom.
    crop = samples["skimage:chelsea.png"][60:160, 120:260]
    height, width = crop.shape[:2]
    low = bicubic(crop, (width // 2, height // 2))
    ours = SuperResolver.packaged("cpu").upscale(low, 2)
    zoom = [
        bicubic(p, (width * 2, height * 2)) for p in (bicubic(low, (width, height)), ours, crop)
    ]
    save(row(*zoom), "imagegen-upscale.png")

    painter = TerrainPainter.packaged("cpu")
    prompts = ("горный пейзаж на закате", "an island in the sea", "snowy alps")
    reliefs = [painter.paint(TerrainRequest(read_prompt(p), 200)) for p in prompts]
    save(row(*reliefs), "imagegen-landscapes.png")


if __name__ == "__main__":
    main()
