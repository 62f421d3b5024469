"""Pictures through the real aiogram client and the local Bot API emulator: a photo with the
caption "in the mosaic style" comes back re-drawn by the shipped style network; a photo sent
alone gets the hints, and a request after it finds it."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from bot.channels.emulator import ANNA_USER_ID, BORIS_USER_ID
from tests.plugins.imagegen.helpers import (
    Person,
    has_picture,
    imagegen_sova,
    photo_bytes,
    pixels,
    says,
    sent_picture,
    text_of,
)


async def test_a_photo_comes_back_stylised(tmp_path: Path, nlu_cache: Path) -> None:
    async with imagegen_sova(tmp_path, nlu_cache) as emulator:
        anna = Person(emulator, ANNA_USER_ID)
        photo = photo_bytes(160, 120)
        styled = await anna.sends_photo(photo, "in the mosaic style", has_picture)
        assert "photo" in styled
        assert text_of(styled).startswith("In the mosaic style")
        picture = sent_picture(emulator, styled)
        assert (picture.format, picture.size) == ("PNG", (160, 120))
        original = pixels(Image.open(io.BytesIO(photo)))
        assert np.abs(pixels(picture) - original).mean() > 10  # re-drawn, not echoed

        boris = Person(emulator, BORIS_USER_ID)
        hint = await boris.sends_photo(photo_bytes(64, 48), "", says("mosaic"))
        assert "upscale" in text_of(hint)
        after = boris.last()
        emulator.user_sends_text(BORIS_USER_ID, "перерисуй в стиле мозаики")
        again = await boris.expect(has_picture, after)
        assert text_of(again).startswith("В стиле «мозаика»")
        assert sent_picture(emulator, again).size == (64, 48)
