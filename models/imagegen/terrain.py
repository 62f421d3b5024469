"""Landscapes: a prompt → relief parameters → the packaged terrain model → a shaded relief.

The packaged model (``adaptive-terrain-diffusion``, MIT; MODELS.md) is a one-step consistency
diffusion UNet that turns noise into a heightmap, conditioned on a "difficulty" from 1 (flat)
to 100 (rugged). It knows no words, so the prompt is read here: words about the land set the
ruggedness and a water level, words about light and season set the sun and the colours, and
the rest of the prompt seeds the noise, so the same prompt draws the same land and a changed
prompt draws another.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from models.imagegen.pictures import RGB

# (word stems in Russian and English) → ruggedness 1..100. The first match in this order
# wins, so "hills below mountains" is read as mountains.
RUGGEDNESS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("альп", "пик", "скал", "alp", "peak", "cliff", "crag", "himalaya", "гимала"), 95),
    (("гор", "mountain", "ridge", "хребет", "хребт", "volcan", "вулкан"), 80),
    (("холм", "hill", "предгор", "foothill", "каньон", "canyon"), 50),
    (("долин", "valley", "плато", "plateau", "луг", "meadow"), 30),
    (("равнин", "степ", "поле", "plain", "steppe", "field", "flat", "пустын", "desert", "дюн",
      "dune", "prairie", "прери"), 12),
)  # fmt: skip
WATER: tuple[str, ...] = ("озер", "мор", "остров", "залив", "река", "рек", "океан", "lake",
                          "sea", "island", "bay", "river", "ocean", "coast", "берег", "fjord",
                          "фьорд")  # fmt: skip

# Colour ramps from low to high ground, as (height 0..1, RGB).
Ramp = tuple[tuple[float, tuple[int, int, int]], ...]
PALETTES: dict[str, Ramp] = {
    "summer": ((0.0, (64, 110, 52)), (0.35, (118, 150, 76)), (0.6, (150, 128, 92)),
               (0.82, (128, 112, 100)), (1.0, (245, 245, 245))),
    "sunset": ((0.0, (70, 40, 60)), (0.35, (150, 70, 60)), (0.6, (215, 120, 70)),
               (0.85, (245, 175, 95)), (1.0, (255, 225, 170))),
    "winter": ((0.0, (150, 165, 180)), (0.4, (205, 215, 225)), (0.7, (235, 240, 245)),
               (1.0, (255, 255, 255))),
    "desert": ((0.0, (180, 140, 90)), (0.4, (215, 175, 115)), (0.75, (235, 205, 150)),
               (1.0, (250, 230, 190))),
    "autumn": ((0.0, (90, 80, 40)), (0.35, (170, 110, 40)), (0.6, (190, 70, 30)),
               (0.85, (120, 90, 70)), (1.0, (235, 230, 225))),
    "night": ((0.0, (20, 25, 50)), (0.5, (45, 55, 95)), (0.8, (80, 90, 140)),
              (1.0, (170, 180, 220))),
}  # fmt: skip
PALETTE_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("закат", "sunset", "вечер", "evening", "dusk", "сумер", "рассвет", "dawn", "sunrise"),
     "sunset"),
    (("ноч", "night", "лун", "moon"), "night"),
    (("зим", "снег", "снеж", "winter", "snow", "лед", "ice", "арктик", "arctic"), "winter"),
    (("пустын", "дюн", "песк", "desert", "dune", "sand"), "desert"),
    (("осен", "autumn", "fall"), "autumn"),
)  # fmt: skip
RELIEF_SCALE = 0.15
WATER_COLOUR = np.array((40, 90, 150), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Landscape:
    """What a prompt asks for, in the model's and the renderer's terms."""

    seed: int
    ruggedness: int  # the model's "difficulty", 1..100
    palette: str
    water: float  # fraction of the lowest ground under water, 0 for none
    sun_azimuth: float  # degrees clockwise from north
    sun_altitude: float  # degrees above the horizon


@dataclass(frozen=True, slots=True)
class TerrainRequest:
    landscape: Landscape
    size: int = 384


def read_prompt(prompt: str, seed: int | None = None) -> Landscape:
    """The landscape a prompt describes; ``seed`` overrides the one drawn from the words."""
    text = prompt.lower().replace("ё", "е")
    words = re.findall(r"\w+", text)

    def mentions(stems: tuple[str, ...]) -> bool:
        return any(word.startswith(stem) for word in words for stem in stems)

    ruggedness = next((value for stems, value in RUGGEDNESS if mentions(stems)), 55)
    palette = next((name for stems, name in PALETTE_WORDS if mentions(stems)), "summer")
    water = 0.3 if mentions(WATER) else 0.0
    low_sun = palette in ("sunset", "night")
    if seed is None:
        # Only the words count: "Горы!" and "горы" are the same picture.
        digest = hashlib.sha256(" ".join(words).encode()).digest()
        seed = int.from_bytes(digest[:4], "big")
    return Landscape(
        seed=seed,
        ruggedness=ruggedness,
        palette=palette,
        water=water,
        sun_azimuth=270.0 if low_sun else 315.0,
        sun_altitude=12.0 if low_sun else 40.0,
    )


class TerrainPainter:
    """The packaged terrain model, loaded once."""

    def __init__(self, generator: Any) -> None:
        self._generator = generator

    @classmethod
    def packaged(cls, device: str = "cpu") -> TerrainPainter:
        from terrain_diffusion import TerrainGenerator  # type: ignore[import-untyped]

        # onnxruntime decides CUDA by its own providers; torch's device string maps over.
        return cls(TerrainGenerator(device="cuda" if device.startswith("cuda") else "cpu"))

    def heightmap(self, landscape: Landscape, size: int) -> NDArray[np.float32]:
        # One native 128×128 sample, smoothly enlarged: the model's tiled mode for larger
        # maps leaves visible seams between tiles, and a relief picture needs no finer detail.
        margin = max(2, size // 32)  # the model's edges carry artefacts: drawn, then cut
        heights = self._generator.generate(
            1,
            shape=(size + 2 * margin, size + 2 * margin),
            difficulty=landscape.ruggedness,
            seed=landscape.seed,
            size_mode="resize",
        )
        return np.asarray(heights[0, margin:-margin, margin:-margin], dtype=np.float32)

    def paint(self, request: TerrainRequest) -> RGB:
        return render_relief(self.heightmap(request.landscape, request.size), request.landscape)


def render_relief(heights: NDArray[np.float32], landscape: Landscape) -> RGB:
    """A shaded relief: colours by height (hypsometric tints) times hill shading."""
    span = float(heights.max() - heights.min())
    unit = (heights - heights.min()) / span if span > 0 else np.zeros_like(heights)
    # Colours follow the rank of a height, not its value: the model's maps often hold one
    # high corner and much level ground, and by value most of the picture would be one tint.
    ranks = np.argsort(np.argsort(heights, axis=None)).reshape(heights.shape)
    rank = ranks / max(1, heights.size - 1)
    level = landscape.water if landscape.water > 0 else -1.0
    land = np.clip((rank - max(level, 0.0)) / max(1e-6, 1.0 - max(level, 0.0)), 0.0, 1.0)
    colours = _ramp(land, PALETTES[landscape.palette])
    # Vertical exaggeration relative to the picture's width: the model's heights are metres
    # over a small patch, while a relief picture should read as a landscape.
    relief = unit * heights.shape[1] * RELIEF_SCALE
    shade = _hillshade(relief, landscape)
    shaded = colours * (0.35 + 0.75 * shade[..., None])
    if level >= 0:
        underwater = rank <= level
        depth = np.clip((level - rank) / max(level, 1e-6), 0.0, 1.0)[..., None]
        water = WATER_COLOUR * (1.0 - 0.5 * depth) * (0.85 + 0.15 * shade[..., None])
        shaded = np.where(underwater[..., None], water, shaded)
    return np.clip(shaded, 0, 255).astype(np.uint8)


def _ramp(unit: NDArray[np.floating], ramp: Ramp) -> NDArray[np.float64]:
    stops = np.array([stop for stop, _ in ramp])
    colours = np.array([colour for _, colour in ramp], dtype=np.float64)
    return np.stack([np.interp(unit, stops, colours[:, c]) for c in range(3)], axis=-1)


def _hillshade(heights: NDArray[np.floating], landscape: Landscape) -> NDArray[np.float64]:
    """Lambertian shading of the surface under a sun at the landscape's azimuth and altitude."""
    dy, dx = np.gradient(heights.astype(np.float64))
    azimuth = np.radians(360.0 - landscape.sun_azimuth + 90.0)
    altitude = np.radians(landscape.sun_altitude)
    slope = np.pi / 2.0 - np.arctan(np.hypot(dx, dy))
    aspect = np.arctan2(-dx, dy)
    shade = np.sin(altitude) * np.sin(slope) + np.cos(altitude) * np.cos(slope) * np.cos(
        azimuth - aspect
    )
    clipped: NDArray[np.float64] = np.clip(shade, 0.0, 1.0)
    return clipped
