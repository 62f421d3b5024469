"""Small real media files made in code, for upload tests."""

from __future__ import annotations

import struct
import zlib


def png_image(width: int = 3, height: int = 2) -> bytes:
    """A valid RGB PNG of the given size (red pixels)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# Not a playable recording; the emulator stores voice notes as given and never decodes them.
FAKE_OGG = b"OggS\x00\x02" + bytes(range(256)) * 8
