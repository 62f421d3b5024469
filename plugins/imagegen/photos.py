"""The user's picture: this message's photo (or image file), else their latest one.

``ctx.photo()`` finds the photo of this message or the newest one the user sent in the chat
within the hour. Pictures sent as files (uncompressed) count when they are images. The
declared size is checked before the download, the pixel count before decoding.
"""

from __future__ import annotations

from bot.events import MessageKind
from bot.plugins import Context
from bot.uploads import UploadedFile
from models.imagegen.pictures import RGB, Limits, PictureProblem, decode_picture

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff")


async def user_picture(ctx: Context, limits: Limits) -> RGB | None:
    """Decoded RGB pixels of the user's picture; None when they sent none. Raises
    ``PictureProblem`` for a file that is too big or not an image."""
    attachment = ctx.message.attachment
    if (
        attachment is not None
        and attachment.size is not None
        and attachment.size > limits.max_bytes
    ):
        raise PictureProblem(
            "photo_too_big",
            size_mb=f"{attachment.size / 2**20:.1f}",
            limit_mb=f"{limits.max_bytes / 2**20:.1f}",
        )
    upload = await _find_upload(ctx)
    if upload is None:
        return None
    return decode_picture(upload.data, limits)


async def _find_upload(ctx: Context) -> UploadedFile | None:
    message = ctx.message
    if message.kind is MessageKind.DOCUMENT and message.attachment is not None:
        # A file sent with the request: it must be a picture, whatever the user hoped.
        document = await ctx.document()
        if document is not None and not _is_image(document):
            raise PictureProblem("photo_not_image_file", name=document.file_name)
        return document
    photo = await ctx.photo()
    if photo is not None:
        return photo
    document = await ctx.document()
    return document if document is not None and _is_image(document) else None


def _is_image(upload: UploadedFile) -> bool:
    mime = (upload.mime_type or "").lower()
    return mime.startswith("image/") or upload.extension in IMAGE_EXTENSIONS
