"""The offline image models with their shipped weights: each makes a picture of the right size
and format, and does what it is for (sharper than bicubic, styled, the land a prompt names)."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from models.imagegen.features import FeatureExtractor
from models.imagegen.pictures import Limits, PictureProblem, decode_picture, encode_png
from models.imagegen.quality import luminance, psnr
from models.imagegen.sample_images import HELD_OUT, TRAINING, load_samples
from models.imagegen.style_net import StyleNetworks, trained_styles
from models.imagegen.style_slow import optimise
from models.imagegen.styles import STYLES, style_picture
from models.imagegen.superres import SuperResolver, bicubic, read_sidecar
from models.imagegen.terrain import TerrainPainter, TerrainRequest, read_prompt

LIMITS = Limits(max_bytes=2**20, max_pixels=4_000_000)


@pytest.fixture(scope="module")
def chelsea() -> np.ndarray:
    """A held-out photo (never seen in training), cut small to keep the tests quick."""
    return load_samples(("skimage:chelsea.png",))["skimage:chelsea.png"][60:188, 120:248]


def _png(pixels: np.ndarray) -> bytes:
    return encode_png(pixels.astype(np.uint8))


# -- decoding uploads ---------------------------------------------------------------------------
def test_decode_reads_png_and_lays_transparency_over_white() -> None:
    rgba = np.zeros((4, 6, 4), dtype=np.uint8)
    rgba[..., 0] = 255
    rgba[:, :3, 3] = 255  # left half opaque red, right half transparent
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, format="PNG")
    pixels = decode_picture(buffer.getvalue(), LIMITS)
    assert pixels.shape == (4, 6, 3) and pixels.dtype == np.uint8
    assert tuple(pixels[0, 0]) == (255, 0, 0)
    assert tuple(pixels[0, 5]) == (255, 255, 255)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"", "photo_empty"),
        (b"%PDF-1.7 not a picture at all", "photo_not_image"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "photo_not_image"),  # a broken PNG
        (b"x" * (2**20 + 1), "photo_too_big"),
    ],
)
def test_decode_refuses_what_is_not_a_usable_picture(data: bytes, key: str) -> None:
    with pytest.raises(PictureProblem) as problem:
        decode_picture(data, LIMITS)
    assert problem.value.key == key


def test_decode_refuses_a_decompression_bomb_from_its_header() -> None:
    """A few hundred bytes that claim 30 000 × 30 000 pixels are refused before decoding."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 30_000, 30_000, 8, 2, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b""))
    with pytest.raises(PictureProblem) as problem:
        decode_picture(bomb + chunk(b"IEND", b""), LIMITS)
    assert problem.value.key == "photo_huge"


def test_decode_refuses_more_pixels_than_the_limit() -> None:
    pixels = np.zeros((1200, 1000, 3), dtype=np.uint8)  # 1.2 MP, a few KB as PNG
    with pytest.raises(PictureProblem) as problem:
        decode_picture(_png(pixels), Limits(max_bytes=2**20, max_pixels=1_000_000))
    assert problem.value.key == "photo_too_many_pixels"
    assert (problem.value.values["width"], problem.value.values["height"]) == (1000, 1200)


# -- super-resolution ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def resolver() -> SuperResolver:
    return SuperResolver.packaged("cpu")


@pytest.mark.parametrize("factor", [2, 4])
def test_upscale_gives_the_right_size_and_beats_bicubic(
    resolver: SuperResolver, chelsea: np.ndarray, factor: int
) -> None:
    height, width = chelsea.shape[:2]
    low = bicubic(chelsea, (width // factor, height // factor))
    high = resolver.upscale(low, factor)
    assert high.shape == (height, width, 3) and high.dtype == np.uint8
    border = (slice(factor, -factor), slice(factor, -factor))
    truth = luminance(chelsea)[border]
    ours = psnr(truth, luminance(high)[border])
    baseline = psnr(truth, luminance(bicubic(low, (width, height)))[border])
    assert ours > baseline + 0.3, (ours, baseline)


def test_superres_weights_say_how_they_were_made() -> None:
    for factor in (2, 4):
        sidecar = read_sidecar(factor)
        assert sidecar["data"]["training"] == list(TRAINING)
        assert not set(sidecar["data"]["held_out"]) & set(TRAINING)
        assert (
            sidecar["held_out_metrics"]["sova"]["psnr"]
            > sidecar["held_out_metrics"]["bicubic"]["psnr"]
        )


def test_split_keeps_held_out_images_out_of_training() -> None:
    assert not set(HELD_OUT) & set(TRAINING)


# -- style transfer -----------------------------------------------------------------------------
def test_every_shipped_style_has_its_picture() -> None:
    for name in STYLES:
        picture = style_picture(name)
        assert picture.ndim == 3 and min(picture.shape[:2]) >= 128
    assert set(trained_styles()) <= set(STYLES)
    assert "mosaic" in trained_styles()


def test_fast_style_keeps_the_size_and_changes_the_look(chelsea: np.ndarray) -> None:
    networks = StyleNetworks.packaged("cpu")
    photo = chelsea[:101, :77]  # sides not divisible by 4: padded inside, cut back
    styled = networks.stylise([photo], "mosaic")[0]
    assert styled.shape == photo.shape and styled.dtype == np.uint8
    difference = np.abs(styled.astype(np.int16) - photo.astype(np.int16)).mean()
    assert difference > 10  # restyled, not copied
    # ...and still the same picture: its light and dark places stay where they were.
    correlation = np.corrcoef(luminance(styled).ravel(), luminance(photo).ravel())[0, 1]
    assert correlation > 0.3


def test_slow_style_lowers_the_style_loss(chelsea: np.ndarray) -> None:
    extractor = FeatureExtractor.packaged("cpu")
    look = style_picture("mosaic")
    fractions: list[float] = []
    first = optimise(extractor, chelsea, look, steps=1, max_side=64)
    later = optimise(extractor, chelsea, look, steps=12, max_side=64, progress=fractions.append)
    assert later.pixels.shape == (64, 64, 3) and later.pixels.dtype == np.uint8
    assert later.style_loss < first.style_loss * 0.8
    assert fractions[-1] == 1.0 and len(fractions) == 12


# -- landscapes ---------------------------------------------------------------------------------
def test_prompt_sets_land_light_and_seed() -> None:
    mountains = read_prompt("Горный пейзаж на закате!")
    assert mountains.ruggedness > read_prompt("a wide plain").ruggedness
    assert mountains.palette == "sunset"
    assert read_prompt("snowy alps").palette == "winter"
    assert read_prompt("an island in the sea").water > 0
    assert read_prompt("a quiet field").water == 0
    # Same words, same land; other words, other land; a seed given wins.
    assert read_prompt("горный пейзаж на закате").seed == mountains.seed
    assert read_prompt("горный пейзаж на рассвете").seed != mountains.seed
    assert read_prompt("mountains", seed=42).seed == 42


def test_landscape_is_a_deterministic_picture_of_the_asked_size() -> None:
    painter = TerrainPainter.packaged("cpu")
    landscape = read_prompt("an island in the sea")
    first = painter.paint(TerrainRequest(landscape, 160))
    assert first.shape == (160, 160, 3) and first.dtype == np.uint8
    assert np.array_equal(first, painter.paint(TerrainRequest(landscape, 160)))
    other = painter.paint(TerrainRequest(read_prompt("an island in the sea", seed=1), 160))
    assert not np.array_equal(first, other)
    # About 30 % of the island picture is sea: blue dominates there.
    blue = (first[..., 2].astype(int) > first[..., 0].astype(int) + 40).mean()
    assert 0.15 < blue < 0.45
    assert Image.open(io.BytesIO(_png(first))).format == "PNG"
