"""The sample images scikit-image and scikit-learn ship (free to use), split once for all.

Training scripts learn only from ``TRAINING``; ``HELD_OUT`` images are never seen in training,
so ``bench/imagegen.py`` measures on them by default. Both libraries are needed only to train
and to benchmark, never to serve.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from models.imagegen.pictures import to_rgb

# scikit-image: skimage/data/<file>; scikit-learn: sklearn/datasets/images/<file>.
# Left out of both: blurred (clock_motion), tiny or synthetic (chessboard, color, phantom,
# microaneurysms), and motorcycle_right (the stereo twin of motorcycle_left, so not unseen).
TRAINING: tuple[str, ...] = (
    "skimage:brick.png",
    "skimage:cell.png",
    "skimage:coins.png",
    "skimage:grass.png",
    "skimage:gravel.png",
    "skimage:hubble_deep_field.jpg",
    "skimage:ihc.png",
    "skimage:logo.png",
    "skimage:moon.png",
    "skimage:page.png",
    "skimage:retina.jpg",
    "skimage:text.png",
    "skimage:motorcycle_left.png",
    "sklearn:china.jpg",
    "sklearn:flower.jpg",
)
HELD_OUT: tuple[str, ...] = (
    "skimage:astronaut.png",
    "skimage:camera.png",
    "skimage:chelsea.png",
    "skimage:coffee.png",
    "skimage:rocket.jpg",
)


def sample_path(name: str) -> Path:
    """``"skimage:chelsea.png"`` → the file inside the installed library."""
    library, _, file_name = name.partition(":")
    if library == "skimage":
        import skimage.data

        return Path(skimage.data.__file__).parent / file_name
    if library == "sklearn":
        import sklearn.datasets

        return Path(sklearn.datasets.__file__).parent / "images" / file_name
    raise ValueError(f"unknown sample library in {name!r}: use skimage: or sklearn:")


def load_rgb(path: Path) -> NDArray[np.uint8]:
    with Image.open(path) as image:
        return to_rgb(image)


def load_samples(names: tuple[str, ...]) -> dict[str, NDArray[np.uint8]]:
    return {name: load_rgb(sample_path(name)) for name in names}
