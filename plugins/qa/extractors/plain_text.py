"""Plain text: decoding (UTF-8, UTF-16 with BOM, cp1251), binary detection, paragraphs."""

from __future__ import annotations

import codecs
import re
import unicodedata

from plugins.qa.document import Block, ExtractedDocument
from plugins.qa.refusal import DocumentRefused, RefusalCode

MIME = "text/plain"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts with UTF-16 LE's
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Real text has next to no control characters; a binary file read as cp1251 has ~12 %.
MAX_CONTROL_SHARE = 0.01
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")
_SPACE = re.compile(r"\s+")


def _binary(detail: str) -> DocumentRefused:
    return DocumentRefused(
        RefusalCode.BINARY,
        f"This does not look like a text file ({detail}). Send the original document "
        "(PDF, DOCX, HTML, Markdown or plain text).",
    )


def decode(data: bytes) -> str:
    """Bytes of a text file → str; refuses binary data (NUL bytes, undecodable, control chars)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                raise _binary(f"invalid {encoding.upper()} after its byte order mark") from None
            break
    else:
        if b"\x00" in data:
            raise _binary("it contains NUL bytes")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:  # the usual legacy encoding of Russian text
                text = data.decode("cp1251")
            except UnicodeDecodeError:
                raise _binary("it is neither UTF-8 nor Windows-1251 text") from None
    _check_printable(text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_printable(text: str) -> None:
    if "\x00" in text:
        raise _binary("it contains NUL characters")
    sample = text[:200_000]
    controls = sum(
        1 for ch in sample if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) == "Cc"
    )
    if sample and controls / len(sample) > MAX_CONTROL_SHARE:
        raise _binary("most of it is not printable")


def normalise_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each on one line (hard wraps joined)."""
    found = (normalise_space(part) for part in _BLANK_LINE.split(text))
    return [p for p in found if p]


def extract(data: bytes, fallback_title: str) -> ExtractedDocument:
    parts = paragraphs(decode(data))
    blocks = [Block(p) for p in parts]
    title = fallback_title
    # A short first paragraph without a full stop, followed by more text, reads as a title.
    if len(parts) > 1 and len(parts[0]) <= 120 and not parts[0].endswith((".", ":", ";")):
        title = parts[0]
        blocks[0] = Block(parts[0], heading_level=1)
    return ExtractedDocument(title=title, blocks=tuple(blocks), mime=MIME)
