"""PDF: the text layer of each page (pypdf), lines re-joined into paragraphs.

A PDF has no paragraphs, only positioned lines. A line that ends a sentence and is clearly
shorter than the page's usual line ends a paragraph; hyphenated line ends are re-joined.
Scanned pages have no text layer: a PDF without any text is refused as empty (no OCR here).
"""

from __future__ import annotations

import io
import re
import statistics

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

from plugins.qa.document import Block, ExtractedDocument
from plugins.qa.extractors.plain_text import normalise_space
from plugins.qa.refusal import DocumentRefused, RefusalCode

MIME = "application/pdf"

SHORT_LINE = 0.75  # of the page's median line length
_SENTENCE_END = (".", "!", "?", ":", "…", '."', ".»")
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:/|of|из)\s*\d{1,4})?\s*$", re.I)
_HYPHENATED = re.compile(r"\w-$")


def _encrypted() -> DocumentRefused:
    return DocumentRefused(
        RefusalCode.ENCRYPTED,
        "This PDF is password-protected. Remove the protection (print it to a new PDF) "
        "and send it again.",
    )


def _corrupt(detail: str) -> DocumentRefused:
    return DocumentRefused(
        RefusalCode.CORRUPT,
        f"This PDF cannot be read ({detail}). Save or export it again and resend it.",
    )


def _open(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # Many PDFs are "encrypted" with an empty user password: readable by anyone.
            try:
                if not reader.decrypt(""):
                    raise _encrypted()
            except (DependencyError, FileNotDecryptedError, NotImplementedError):
                raise _encrypted() from None
        return reader
    except PyPdfError as exc:
        raise _corrupt(type(exc).__name__) from exc


def _paragraphs(page_text: str) -> list[str]:
    lines = [normalise_space(line) for line in page_text.splitlines()]
    lines = [line for line in lines if line and not _PAGE_NUMBER.match(line)]
    if not lines:
        return []
    typical = statistics.median(len(line) for line in lines)
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if _HYPHENATED.search(current) and line[:1].islower():
            current = current[:-1] + line
        else:
            current = f"{current} {line}" if current else line
        if line.endswith(_SENTENCE_END) and len(line) < SHORT_LINE * typical:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def extract(data: bytes, fallback_title: str) -> ExtractedDocument:
    reader = _open(data)
    paragraphs: list[str] = []
    try:
        if not len(reader.pages):
            raise _corrupt("no pages")
        for page in reader.pages:
            paragraphs.extend(_paragraphs(page.extract_text() or ""))
        metadata = reader.metadata
    except FileNotDecryptedError:
        raise _encrypted() from None
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise _corrupt(type(exc).__name__) from exc
    if not paragraphs:
        raise DocumentRefused(
            RefusalCode.EMPTY,
            "This PDF has no text layer (a scan or only images), and I cannot read images. "
            "Send a PDF with selectable text, or the text itself.",
        )
    title = normalise_space(str(metadata.title or "")) if metadata else ""
    return ExtractedDocument(
        title=title or fallback_title, blocks=tuple(Block(p) for p in paragraphs), mime=MIME
    )
