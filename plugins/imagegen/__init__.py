"""Images: text-to-image with an operator's checkpoint, and what shipped weights do offline.

- "нарисуй маяк в шторм" / "draw a lighthouse in a storm": with a diffusers checkpoint in
  ``[plugins.imagegen] checkpoint`` Sova generates it (steps, guidance, size, seed, count);
  without one it says so plainly, and draws what it honestly can: a prompt about land or
  water becomes a shaded relief picture from the packaged terrain model.
- A photo with "в стиле мозаики" / "in the cosmos style": a fast network per shipped style
  (~1 s); "in my style" after a picture sent with "это стиль": the slow optimisation against
  that picture, with progress.
- A photo with "увеличь в 4 раза" / "upscale x2": the shipped super-resolution network,
  answered as a file so Telegram does not shrink it again.
Every model is served through the shared registry (``models.imagegen.specs``).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from pathlib import Path
from typing import Any

from PIL import Image

from bot.plugins import Context, Plugin, command, intent
from models.errors import ModelBusy
from models.imagegen.diffusion import Sampling, TextToImageRequest, TextToImageResult
from models.imagegen.pictures import (
    RGB,
    Limits,
    PictureProblem,
    encode_png,
    fit_within,
    to_rgb,
)
from models.imagegen.specs import (
    FastStyleRequest,
    SlowStyleRequest,
    UpscaleRequest,
    diffusion_spec,
    fast_style_spec,
    slow_style_spec,
    superres_spec,
    terrain_spec,
)
from models.imagegen.style_net import trained_styles
from models.imagegen.style_slow import SlowResult
from models.imagegen.styles import STYLES, style_picture
from models.imagegen.superres import FACTORS
from models.imagegen.terrain import TerrainRequest, read_prompt
from plugins.imagegen import outputs
from plugins.imagegen.config import ImageGenConfig
from plugins.imagegen.photos import IMAGE_EXTENSIONS, user_picture
from plugins.imagegen.progress import BackgroundWork, shown_after
from plugins.imagegen.requests import (
    Size,
    clean_prompt,
    is_landscape,
    parse_size,
    requested_count,
    requested_factor,
    requested_seed,
)

log = logging.getLogger(__name__)

SUPERRES = "imagegen.superres"
FAST_STYLE = "imagegen.style_fast"
SLOW_STYLE = "imagegen.style_slow"
TERRAIN = "imagegen.terrain"
DIFFUSION = "imagegen.diffusion"
OWN_STYLE = "mine"
MIN_SIDE = 32  # pixels; the latents of a smaller picture would be a few cells wide
OWN_STYLE_SIDE = 512  # the Gram statistics need no more; keeps the stored file small

__all__ = ["ImageGen", "ImageGenConfig"]


class ImageGen(Plugin):
    name = "imagegen"
    config_model = ImageGenConfig
    # A photo sent without a caption is answered with ``photo_hint`` (SDK); image files
    # sent without a caption with ``document_hint``.
    takes_photos = True
    documents = IMAGE_EXTENSIONS

    @property
    def options(self) -> ImageGenConfig:
        config = self.config
        assert isinstance(config, ImageGenConfig)
        return config

    async def setup(self) -> None:
        options = self.options
        models = self.runtime.models
        device = options.device
        models.register(superres_spec(SUPERRES, device=device))
        models.register(fast_style_spec(FAST_STYLE, device=device))
        models.register(slow_style_spec(SLOW_STYLE, device=device))
        models.register(terrain_spec(TERRAIN, device=device))
        self.checkpoint: Path | None = None
        if options.checkpoint:
            folder = Path(options.checkpoint).expanduser()  # noqa: ASYNC240 - once, at start-up
            if not await asyncio.to_thread(folder.is_dir):
                raise ValueError(
                    f"[plugins.imagegen] checkpoint: {folder} is not a folder; give the folder "
                    "a diffusers pipeline was saved to, or leave it empty"
                )
            self.checkpoint = folder
            models.register(
                diffusion_spec(
                    DIFFUSION, folder, safety_filter=options.safety_filter, device=device
                )
            )
        self.root = self.runtime.settings.data_path(Path("imagegen"))
        self.fast_styles = trained_styles()
        self.work = BackgroundWork()

    async def teardown(self) -> None:
        await self.work.cancel_all()

    async def forget_user(self, user_id: int) -> None:
        """The pictures made for this user and the style picture they gave."""
        await asyncio.to_thread(outputs.forget, self.root, user_id)

    def _limits(self) -> Limits:
        options = self.options
        return Limits(
            max_bytes=int(options.max_photo_mb * 2**20),
            max_pixels=int(options.max_photo_megapixels * 1e6),
        )

    # -- text to image -----------------------------------------------------------------------
    @intent("generate_image", required=("prompt",))
    async def generate_image(
        self,
        ctx: Context,
        prompt: str,
        count: float | None = None,
        size: str | None = None,
        seed: float | None = None,
    ) -> None:
        text = ctx.message.text
        how_many = requested_count(count, text) or 1
        wanted = parse_size(size) or parse_size(text)
        await self._generate(ctx, prompt, how_many, wanted, requested_seed(seed, text))

    @command("draw")
    async def draw_command(self, ctx: Context, args: str) -> None:
        """Draw a picture from a description: /draw a lighthouse in a storm"""
        await self._generate(
            ctx,
            args,
            requested_count(None, args) or 1,
            parse_size(args),
            requested_seed(None, args),
        )

    async def _generate(
        self, ctx: Context, prompt: str, count: int, size: Size | None, seed: int | None
    ) -> None:
        options = self.options
        prompt = clean_prompt(prompt)
        if not prompt:
            await ctx.reply(ctx.t("prompt_empty"))
            return
        if not 1 <= count <= options.max_count:
            await ctx.reply(ctx.t("count_bad", count=count, limit=options.max_count))
            return
        if self.checkpoint is not None:
            await self._diffuse(ctx, prompt, count, size, seed)
        elif is_landscape(prompt):
            await self._landscape(ctx, prompt, count, seed)
        else:
            await ctx.reply(ctx.t("no_text_to_image", prompt=prompt), speakable=False)

    async def _diffuse(
        self, ctx: Context, prompt: str, count: int, size: Size | None, seed: int | None
    ) -> None:
        options = self.options
        width, height = (size.width, size.height) if size else (options.width, options.height)
        if max(width, height) > options.max_side or min(width, height) < MIN_SIDE:
            await ctx.reply(
                ctx.t("size_bad", width=width, height=height, minimum=MIN_SIDE,
                      limit=options.max_side)
            )  # fmt: skip
            return
        # Latents are 8× smaller than the picture: round down to a size the model can make.
        width, height = width - width % 8, height - height % 8
        first_seed = seed if seed is not None else secrets.randbelow(2**31)
        sampling = Sampling(options.steps, options.guidance, width, height)
        self.work.start(
            self._diffuse_work(ctx, prompt, count, sampling, first_seed),
            name=f"imagegen.draw:{ctx.chat_id}",
        )

    async def _diffuse_work(
        self, ctx: Context, prompt: str, count: int, sampling: Sampling, first_seed: int
    ) -> None:
        """Runs after the turn (a generation may outlast a pipeline stage)."""
        options = self.options
        async with shown_after(
            ctx, options.progress_after_s, lambda p: ctx.t("drawing_progress", percent=p)
        ) as progress:
            request = TextToImageRequest(prompt, sampling, first_seed, count, progress.report)
            result: TextToImageResult | None = await self._served(
                ctx, DIFFUSION, request, "text-to-image"
            )
        if result is None:
            return
        for pixels, image_seed in zip(result.images, result.seeds, strict=True):
            caption = ctx.t("generated_caption", prompt=prompt, seed=image_seed,
                            seconds=f"{result.seconds:.1f}")  # fmt: skip
            await self._send_picture(ctx, pixels, "generated", caption)
        if result.withheld:
            await ctx.reply(ctx.t("safety_withheld", count=result.withheld))

    async def _landscape(self, ctx: Context, prompt: str, count: int, seed: int | None) -> None:
        landscape = read_prompt(prompt, seed)
        await ctx.reply(ctx.t("landscape_offline", prompt=prompt), speakable=False)
        async with ctx.busy("upload_photo"):
            for k in range(count):
                variant = read_prompt(prompt, landscape.seed + k)
                started = time.perf_counter()
                request = TerrainRequest(variant, self.options.landscape_size)
                pixels: RGB = await self.runtime.models.run(TERRAIN, request)
                caption = ctx.t(
                    "landscape_caption",
                    ruggedness=variant.ruggedness,
                    light=ctx.t(f"palette_{variant.palette}"),
                    seed=variant.seed,
                    seconds=f"{time.perf_counter() - started:.1f}",
                )
                await self._send_picture(ctx, pixels, "landscape", caption)

    # -- style transfer ------------------------------------------------------------------------
    @intent("stylize_photo", required=("style",))
    async def stylize_photo(self, ctx: Context, style: str) -> None:
        await self._stylize(ctx, style)

    @command("stylize")
    async def stylize_command(self, ctx: Context, args: str) -> None:
        """Re-draw your latest photo in a style: /stylize mosaic (cells, cosmos, stone, mine)"""
        await self._stylize(ctx, args.strip().lower())

    async def _stylize(self, ctx: Context, style: str) -> None:
        if style != OWN_STYLE and style not in STYLES:
            await ctx.reply(ctx.t("style_unknown", style=style, styles=", ".join(STYLES)))
            return
        path = outputs.style_path(self.root, ctx.user_id)
        if style == OWN_STYLE and not await asyncio.to_thread(path.is_file):
            await ctx.reply(ctx.t("own_style_missing"))
            return
        pixels = await self._picture(ctx, "stylize")
        if pixels is None:
            return
        if style == OWN_STYLE:
            with Image.open(path) as image:
                look = to_rgb(image)
            await self._slow_style(ctx, pixels, look, ctx.t("own_style_name"))
        elif style in self.fast_styles:
            started = time.perf_counter()
            photo = fit_within(pixels, self.options.style_max_side)
            async with ctx.busy("upload_photo"):
                result: RGB = await self.runtime.models.run(
                    FAST_STYLE, FastStyleRequest(photo, style)
                )
            caption = ctx.t("styled_caption", style=ctx.t(f"style_{style}"),
                            seconds=f"{time.perf_counter() - started:.1f}")  # fmt: skip
            await self._send_picture(ctx, result, f"style-{style}", caption)
        else:
            await self._slow_style(ctx, pixels, style_picture(style), ctx.t(f"style_{style}"))

    async def _slow_style(self, ctx: Context, content: RGB, look: RGB, style_name: str) -> None:
        self.work.start(
            self._slow_style_work(ctx, content, look, style_name),
            name=f"imagegen.style:{ctx.chat_id}",
        )

    async def _slow_style_work(
        self, ctx: Context, content: RGB, look: RGB, style_name: str
    ) -> None:
        """Runs after the turn: the optimisation may outlast a pipeline stage."""
        options = self.options
        started = time.perf_counter()
        async with shown_after(
            ctx, options.progress_after_s, lambda p: ctx.t("styling_progress", percent=p)
        ) as progress:
            request = SlowStyleRequest(
                content, look, options.slow_style_steps, options.slow_style_max_side,
                progress.report,
            )  # fmt: skip
            result: SlowResult | None = await self._served(
                ctx, SLOW_STYLE, request, "style optimisation"
            )
        if result is None:
            return
        caption = ctx.t("styled_slow_caption", style=style_name,
                        seconds=f"{time.perf_counter() - started:.0f}")  # fmt: skip
        await self._send_picture(ctx, result.pixels, "style", caption)

    @intent("set_style_picture")
    async def set_style_picture(self, ctx: Context) -> None:
        pixels = await self._picture(ctx, "style_picture")
        if pixels is None:
            return
        small = fit_within(pixels, OWN_STYLE_SIDE)
        path = outputs.style_path(self.root, ctx.user_id)
        await asyncio.to_thread(path.write_bytes, encode_png(small))
        await ctx.reply(ctx.t("own_style_saved"))

    # -- super-resolution ----------------------------------------------------------------------
    @intent("upscale_photo")
    async def upscale_photo(self, ctx: Context, factor: float | None = None) -> None:
        await self._upscale(ctx, requested_factor(factor, ctx.message.text))

    @command("upscale")
    async def upscale_command(self, ctx: Context, args: str) -> None:
        """Enlarge your latest photo: /upscale 2 (or 4)"""
        await self._upscale(ctx, requested_factor(None, args) or _int_or_none(args))

    async def _upscale(self, ctx: Context, factor: int | None) -> None:
        factor = factor or FACTORS[0]
        if factor not in FACTORS:
            await ctx.reply(ctx.t("factor_bad", factor=factor))
            return
        pixels = await self._picture(ctx, "upscale")
        if pixels is None:
            return
        height, width = pixels.shape[:2]
        megapixels = width * factor * height * factor / 1e6
        if megapixels > self.options.upscale_max_megapixels:
            await ctx.reply(
                ctx.t("upscale_too_big", width=width, height=height, factor=factor,
                      megapixels=f"{megapixels:.1f}",
                      limit=f"{self.options.upscale_max_megapixels:g}")
            )  # fmt: skip
            return
        started = time.perf_counter()
        async with ctx.busy("upload_document"):
            result: RGB = await self.runtime.models.run(SUPERRES, UpscaleRequest(pixels, factor))
        caption = ctx.t("upscaled_caption", factor=factor, width=width, height=height,
                        new_width=width * factor, new_height=height * factor,
                        seconds=f"{time.perf_counter() - started:.1f}")  # fmt: skip
        # As a file: a Telegram photo would be recompressed and shrunk, undoing the work.
        await self._send_picture(ctx, result, f"upscaled-x{factor}", caption, kind="document")

    # -- shared --------------------------------------------------------------------------------
    async def _picture(self, ctx: Context, action: str) -> RGB | None:
        """The user's picture, or None after telling them what is wrong or missing."""
        try:
            pixels = await user_picture(ctx, self._limits())
        except PictureProblem as problem:
            await ctx.reply(ctx.t(problem.key, **problem.values))
            return None
        if pixels is None:
            await ctx.reply(ctx.t(f"send_photo_first_{action}"))
        return pixels

    async def _served(self, ctx: Context, model: str, request: object, what: str) -> Any:
        """The model's result, or None after telling the user it is busy or failed."""
        try:
            return await self.runtime.models.run(model, request)
        except ModelBusy:
            await ctx.reply(ctx.t("busy"))
        except Exception:
            log.exception("%s failed (chat %s)", what, ctx.chat_id)
            await ctx.reply(ctx.t("failed"))
        return None

    async def _send_picture(
        self, ctx: Context, pixels: RGB, stem: str, caption: str, *, kind: str = "photo"
    ) -> None:
        path = outputs.new_picture_path(self.root, ctx.user_id, stem)
        await asyncio.to_thread(path.write_bytes, encode_png(pixels))
        await ctx.reply(caption, kind=kind, file_path=str(path), speakable=False)


def _int_or_none(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None
