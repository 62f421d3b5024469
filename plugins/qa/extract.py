"""Any supported document (bytes + file name or MIME type) → title and clean paragraphs.

Supported: plain text, Markdown, HTML, PDF (text layer), DOCX. Everything else, and files
that are too big, binary, encrypted, corrupt or without text, raise ``DocumentRefused``.
CPU-bound: call it in a worker thread (``asyncio.to_thread``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from plugins.qa.document import ExtractedDocument
from plugins.qa.extractors import docx_text, html_text, markdown_text, pdf_text, plain_text
from plugins.qa.refusal import DocumentRefused, RefusalCode

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

Extractor = Callable[[bytes, str], ExtractedDocument]


@dataclass(frozen=True, slots=True)
class DocumentFormat:
    mime: str
    extensions: tuple[str, ...]
    extract: Extractor
    magic: bytes = b""
    """Bytes the file must start with (checked only for binary formats)."""


FORMATS: tuple[DocumentFormat, ...] = (
    DocumentFormat(plain_text.MIME, (".txt", ".text"), plain_text.extract),
    DocumentFormat(markdown_text.MIME, (".md", ".markdown"), markdown_text.extract),
    DocumentFormat(html_text.MIME, (".html", ".htm", ".xhtml"), html_text.extract),
    DocumentFormat(pdf_text.MIME, (".pdf",), pdf_text.extract, magic=b"%PDF-"),
    DocumentFormat(docx_text.MIME, (".docx",), docx_text.extract, magic=b"PK\x03\x04"),
)
SUPPORTED_EXTENSIONS = frozenset(ext for f in FORMATS for ext in f.extensions)
_MIME_ALIASES = {"text/x-markdown": markdown_text.MIME, "application/xhtml+xml": html_text.MIME}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old binary Office formats (.doc, .xls)


def detect_format(filename: str, mime: str | None = None) -> DocumentFormat | None:
    """By extension first (reliable for uploads and files), then by the declared MIME type."""
    suffix = PurePath(filename).suffix.lower()
    for fmt in FORMATS:
        if suffix in fmt.extensions:
            return fmt
    wanted = (mime or "").split(";")[0].strip().lower()
    wanted = _MIME_ALIASES.get(wanted, wanted)
    return next((fmt for fmt in FORMATS if fmt.mime == wanted), None)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def check_size(size: int, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse a file over the limit (callable before the file is read)."""
    if size > max_bytes:
        size_mb, limit_mb = _megabytes(size), _megabytes(max_bytes)
        raise DocumentRefused(
            RefusalCode.TOO_BIG,
            f"The file is {size_mb} MB; the limit is {limit_mb} MB. "
            "Split it into smaller files and send them one by one.",
            {"size_mb": size_mb, "limit_mb": limit_mb},
        )


def _check_container(fmt: DocumentFormat, data: bytes) -> None:
    if not fmt.magic or data.startswith(fmt.magic):
        return
    if fmt.mime == pdf_text.MIME and fmt.magic in data[:1024]:
        return  # tolerated by readers: a few junk bytes before the PDF header
    if data.startswith(_OLE_MAGIC):
        raise DocumentRefused(
            RefusalCode.UNSUPPORTED,
            "This is an old binary Office file (.doc). Save it as .docx or PDF and resend it.",
        )
    raise DocumentRefused(
        RefusalCode.CORRUPT,
        f"The file is named like {fmt.extensions[0]} but is not one. Send the original file.",
    )


def extract(
    data: bytes, filename: str, *, mime: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> ExtractedDocument:
    """Read a document; ``filename`` gives the format and the fallback title."""
    check_size(len(data), max_bytes)
    fmt = detect_format(filename, mime)
    if fmt is None:
        supported = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        raise DocumentRefused(
            RefusalCode.UNSUPPORTED,
            f"I cannot read this kind of file. Supported formats: {supported}.",
        )
    if not data.strip():
        raise DocumentRefused(RefusalCode.EMPTY, "The file is empty.")
    _check_container(fmt, data)
    fallback_title = PurePath(filename).stem or filename
    try:
        document = fmt.extract(data, fallback_title)
    except RecursionError:
        raise DocumentRefused(
            RefusalCode.CORRUPT, "The document is nested too deeply to read. Simplify it."
        ) from None
    if not any(block.text.strip() for block in document.blocks):
        raise DocumentRefused(
            RefusalCode.EMPTY, "I found no text in this document. Send one that contains text."
        )
    return document
