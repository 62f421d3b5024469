"""``[plugins.imagegen]``: the optional diffusion checkpoint, its defaults, and input limits."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class ImageGenConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    checkpoint: str = ""
    """Folder of a diffusers pipeline (``save_pretrained`` output) for text-to-image; empty =
    none: then Sova draws landscapes, re-styles and upscales photos with shipped weights."""
    device: str = "auto"
    """Where the image models run: auto (CUDA when present), cpu, cuda, cuda:N."""
    steps: int = Field(default=25, ge=1, le=150)
    """Denoising steps per text-to-image generation (1-4 for turbo models)."""
    guidance: float = Field(default=7.5, ge=0.0, le=30.0)
    """Classifier-free guidance scale (0 for turbo models)."""
    width: int = Field(default=512, ge=32, le=2048)
    """Default width of a generated image (a multiple of 8)."""
    height: int = Field(default=512, ge=32, le=2048)
    """Default height of a generated image (a multiple of 8)."""
    max_side: int = Field(default=1024, ge=64, le=2048)
    """Largest side a user may ask for ("размер 768x768")."""
    max_count: int = Field(default=4, ge=1, le=8)
    """Most images per request ("4 варианта")."""
    safety_filter: bool = True
    """Withhold images the checkpoint's safety checker flags; a checkpoint without a checker
    then refuses to load (set false to run one knowingly without)."""
    max_photo_mb: float = Field(default=10.0, gt=0)
    """Larger uploads are refused before they are decoded."""
    max_photo_megapixels: float = Field(default=40.0, gt=0)
    """Larger pictures are refused before their pixels are decoded (decompression bombs)."""
    style_max_side: int = Field(default=1024, ge=64, le=4096)
    """Photos are reduced to this longer side before a fast style network runs (~1 s)."""
    slow_style_steps: int = Field(default=80, ge=5, le=1000)
    """Optimisation steps of the slow style transfer (your own style picture)."""
    slow_style_max_side: int = Field(default=384, ge=64, le=1024)
    """Longer side of the slow style transfer's result (its time grows with the area)."""
    upscale_max_megapixels: float = Field(default=16.0, gt=0)
    """Largest upscaled picture, in megapixels (sent as a file, uncompressed)."""
    landscape_size: int = Field(default=512, ge=128, le=1024)
    """Side of a landscape relief picture, in pixels."""
    progress_after_s: float = Field(default=2.0, ge=0)
    """Work that runs longer than this shows a progress message that is edited as it goes."""

    @field_validator("width", "height")
    @classmethod
    def _multiple_of_eight(cls, value: int) -> int:
        if value % 8:
            raise ValueError(
                "must be a multiple of 8 (diffusion models work on 8× smaller latents)"
            )
        return value
