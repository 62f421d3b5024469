"""The style pictures Sova ships: where each comes from and why it may be redistributed.

Each style has a picture in ``styles/`` (used by the slow optimisation and to train the fast
network) and, once trained, a transform network in ``weights/style_<name>.safetensors``.
``python -m models.imagegen.styles`` rewrites the pictures from their sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from models.imagegen.pictures import RGB, to_rgb

STYLE_DIR = Path(__file__).parent / "styles"
PICTURE_SIDE = 384  # enough for the Gram statistics at every feature layer, small on disk


@dataclass(frozen=True, slots=True)
class Style:
    name: str
    source: str  # a sample_images name, or "generated" (drawn by ``mosaic_picture``)
    licence: str

    @property
    def picture_path(self) -> Path:
        return STYLE_DIR / f"{self.name}.jpg"


STYLES: dict[str, Style] = {
    s.name: s
    for s in (
        Style("mosaic", "generated", "drawn by models/imagegen/styles.py (MIT, this project)"),
        Style("cells", "skimage:ihc.png", "scikit-image sample: no known copyright restrictions"),
        Style("cosmos", "skimage:hubble_deep_field.jpg", "NASA, public domain"),
        Style("stone", "skimage:gravel.png", "CC0 (CC0Textures), via scikit-image"),
    )
}


def style_picture(name: str) -> RGB:
    with Image.open(STYLES[name].picture_path) as image:
        return to_rgb(image)


def mosaic_picture(side: int = PICTURE_SIDE, cells: int = 90, seed: int = 7) -> RGB:
    """A stained-glass mosaic: Voronoi cells of saturated colours with dark leading."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, side, size=(cells, 2))
    palette = np.array(
        [[220, 50, 47], [38, 139, 210], [181, 137, 0], [42, 161, 152], [211, 54, 130],
         [133, 153, 0], [108, 113, 196], [203, 75, 22], [250, 220, 120]],
        dtype=np.float64,
    )  # fmt: skip
    colours = palette[rng.integers(0, len(palette), size=cells)]
    colours *= rng.uniform(0.75, 1.1, size=(cells, 1))
    ys, xs = np.mgrid[0:side, 0:side].astype(np.float64)
    distances = (xs[..., None] - centres[:, 0]) ** 2 + (ys[..., None] - centres[:, 1]) ** 2
    order = np.argsort(distances, axis=-1)
    nearest, second = order[..., 0], order[..., 1]
    d1 = np.sqrt(np.take_along_axis(distances, nearest[..., None], -1)[..., 0])
    d2 = np.sqrt(np.take_along_axis(distances, second[..., None], -1)[..., 0])
    image = colours[nearest]
    # Brighter towards each cell's centre, like light through glass.
    image *= (1.05 - 0.25 * np.clip(d1 / 30.0, 0, 1))[..., None]
    leading = (d2 - d1) < 2.5
    image[leading] = (25, 20, 18)
    return np.clip(image, 0, 255).astype(np.uint8)


def write_pictures() -> None:
    """Rewrite ``styles/*.jpg`` from their sources (scikit-image needed for those)."""
    from models.imagegen.pictures import fit_within
    from models.imagegen.sample_images import load_rgb, sample_path

    STYLE_DIR.mkdir(exist_ok=True)
    for style in STYLES.values():
        pixels: NDArray[np.uint8] = (
            mosaic_picture()
            if style.source == "generated"
            else fit_within(load_rgb(sample_path(style.source)), PICTURE_SIDE)
        )
        Image.fromarray(pixels, "RGB").save(style.picture_path, quality=92)


if __name__ == "__main__":
    write_pictures()
