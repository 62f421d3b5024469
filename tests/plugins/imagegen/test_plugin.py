"""The imagegen plugin in a running Sova, through the Bot API emulator: honest answers without
a text-to-image model, landscapes, upscaling, the user's own style with progress, text-to-image
with a (tiny) checkpoint, and precise replies to bad input."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from bot.channels.emulator import ANNA_USER_ID, BORIS_USER_ID
from tests.plugins.imagegen.helpers import (
    Person,
    has_picture,
    imagegen_sova,
    photo_bytes,
    says,
    sent_picture,
    text_of,
)
from tests.plugins.imagegen.tiny_pipeline import SIDE, build_tiny_pipeline


async def test_without_a_checkpoint_sova_says_what_it_can_do(
    tmp_path: Path, nlu_cache: Path
) -> None:
    async with imagegen_sova(tmp_path, nlu_cache, landscape_size="160") as emulator:
        anna = Person(emulator, ANNA_USER_ID)
        refusal = await anna.says("draw a cat in a spacesuit", "can't draw")
        assert "«a cat in a spacesuit»" in text_of(refusal)
        assert "upscale" in text_of(refusal) and "style" in text_of(refusal)

        boris = Person(emulator, BORIS_USER_ID)
        refusal = await boris.says("нарисуй кота в скафандре", "не могу")
        assert "«кота в скафандре»" in text_of(refusal) and "увеличить фото" in text_of(refusal)
        after = boris.last()
        await boris.says("нарисуй горный пейзаж на закате", "карту рельефа")
        relief = await boris.expect(has_picture, after)
        assert "Карта рельефа" in text_of(relief) and "закатный свет" in text_of(relief)
        assert sent_picture(emulator, relief).size == (160, 160)

        asked = await anna.says("draw", "What should I draw?")  # the dialogue asks
        assert "?" in text_of(asked)
        empty = await anna.says("/draw seed 5", "What should I draw?")  # options, no picture
        assert "«draw a mountain landscape at sunset»" in text_of(empty)


async def test_upscaling_and_bad_input(tmp_path: Path, nlu_cache: Path) -> None:
    async with imagegen_sova(tmp_path, nlu_cache) as emulator:
        anna = Person(emulator, ANNA_USER_ID)
        photo = photo_bytes(48, 40)
        upscaled = await anna.sends_photo(photo, "upscale x2", has_picture)
        assert "document" in upscaled  # a file: Telegram would shrink a photo again
        picture = sent_picture(emulator, upscaled)
        assert (picture.format, picture.size) == ("PNG", (96, 80))
        assert "48×40 → 96×80" in text_of(upscaled)

        refused = await anna.sends_photo(photo, "увеличь в 16 раз", says("не в 16"))
        assert "в 2 или в 4 раза" in text_of(refused)

        huge = b"\x89PNG\r\n\x1a\n" + bytes(50 * 2**20)  # a 50 MB "photo"
        too_big = await anna.sends_photo(huge, "upscale x2", says("50.0 MB"))
        assert "up to 10.0 MB" in text_of(too_big)

        after = anna.last()
        emulator.user_sends_document(ANNA_USER_ID, b"shopping list", "notes.txt",
                                     caption="upscale x2")  # fmt: skip
        await anna.expect(says("«notes.txt» is not a picture"), after)

        broken = await anna.sends_photo(
            b"\xff\xd8\xff garbage", "upscale x4", says("not a picture")
        )
        assert "JPEG, PNG or WebP" in text_of(broken)

        boris = Person(emulator, BORIS_USER_ID)
        await boris.says("upscale my photo x2", "Send me a photo")


async def test_own_style_picture_then_a_photo_in_that_style(
    tmp_path: Path, nlu_cache: Path
) -> None:
    options = {"slow_style_steps": "6", "slow_style_max_side": "64", "progress_after_s": "0"}
    async with imagegen_sova(tmp_path, nlu_cache, **options) as emulator:
        anna = Person(emulator, ANNA_USER_ID)
        await anna.says("apply my style to this photo", "haven't given me a style picture")
        mosaic = io.BytesIO()
        Image.open(Path("models/imagegen/styles/mosaic.jpg")).save(mosaic, format="PNG")
        await anna.sends_photo(mosaic.getvalue(), "this is the style", says("your style now"))
        after = anna.last()
        emulator.user_sends_photo(ANNA_USER_ID, photo_bytes(96, 72), caption="in my style")
        await anna.expect(says("Styling…"), after)  # progress shown (edited as it goes)
        styled = await anna.expect(has_picture, after)
        assert "optimised against your style picture" in text_of(styled)
        assert sent_picture(emulator, styled).size == (64, 48)


async def test_text_to_image_with_a_checkpoint(tmp_path: Path, nlu_cache: Path) -> None:
    folder = build_tiny_pipeline(tmp_path / "tiny-sd")
    options = {
        "checkpoint": str(folder),
        "safety_filter": "false",
        "device": "cpu",
        "steps": "2",
        "width": str(SIDE),
        "height": str(SIDE),
    }
    async with imagegen_sova(tmp_path, nlu_cache, **options) as emulator:
        anna = Person(emulator, ANNA_USER_ID)
        after = anna.last()
        emulator.user_sends_text(ANNA_USER_ID, "draw 2 variants of a red cube seed 5")
        first = await anna.expect(has_picture, after)
        second = await anna.expect(has_picture, first["message_id"])
        assert "«a red cube» · seed 5" in text_of(first)
        assert "seed 6" in text_of(second)
        assert sent_picture(emulator, first).size == (SIDE, SIDE)

        await anna.says("draw a castle 4096x4096", "4096×4096 picture won't work")
        await anna.says("draw 9 variants of a dog", "1 to 4 pictures")
