"""Reading options out of what users write: sizes, counts, seeds, factors, landscapes."""

from __future__ import annotations

import pytest

from plugins.imagegen.requests import (
    Size,
    clean_prompt,
    is_landscape,
    parse_size,
    requested_count,
    requested_factor,
    requested_seed,
)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("768x512", Size(768, 512)),
        ("draw a castle 640 × 384", Size(640, 384)),
        ("нарисуй замок 512х512", Size(512, 512)),  # Cyrillic х
        ("размером 768", Size(768, 768)),
        ("size 256", Size(256, 256)),
        ("512", Size(512, 512)),
        ("draw a cat seed 42", None),  # a seed is not a size
        ("нарисуй 4 варианта кота", None),
        (None, None),
    ],
)
def test_size(text: str | None, size: Size | None) -> None:
    assert parse_size(text) == size


def test_count_seed_and_factor_from_the_text() -> None:
    assert requested_count(None, "нарисуй 3 варианта маяка") == 3
    assert requested_count(None, "draw two pictures of a dog") == 2
    assert requested_count(2.0, "draw 3 variants") == 2  # the slot wins
    assert requested_count(None, "draw a dog") is None
    assert requested_seed(None, "draw a cat with seed 1234") == 1234
    assert requested_seed(None, "нарисуй кота сид 7") == 7
    assert requested_seed(None, "draw a cat") is None
    assert requested_factor(None, "upscale x4") == 4
    assert requested_factor(None, "увеличь в 16 раз") == 16
    assert requested_factor(None, "make it 2x bigger") == 2
    assert requested_factor(None, "upscale this") is None


def test_prompt_loses_its_options() -> None:
    assert clean_prompt("a red cube seed 5") == "a red cube"
    assert clean_prompt("маяк в шторм, 4 варианта") == "маяк в шторм"
    assert clean_prompt("a castle 768x512") == "a castle"
    assert clean_prompt("seed 5") == ""


@pytest.mark.parametrize(
    ("prompt", "landscape"),
    [
        ("горный пейзаж на закате", True),
        ("an island in the sea", True),
        ("rolling hills", True),
        ("a cat in a spacesuit", False),
        ("портрет совы", False),
    ],
)
def test_landscape_prompts(prompt: str, landscape: bool) -> None:
    assert is_landscape(prompt) is landscape
