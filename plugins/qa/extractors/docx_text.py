"""DOCX: paragraphs, headings (by style) and tables in document order (python-docx)."""

from __future__ import annotations

import io
import re
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from plugins.qa.document import Block, ExtractedDocument
from plugins.qa.extractors.plain_text import normalise_space
from plugins.qa.refusal import DocumentRefused, RefusalCode

MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_HEADING_STYLE = re.compile(r"^(?:heading|заголовок)\s*(\d)$", re.I)


def _heading_level(paragraph: Paragraph) -> int:
    style = paragraph.style.name if paragraph.style is not None else ""
    if (style or "").lower() in ("title", "название"):
        return 1
    match = _HEADING_STYLE.match(style or "")
    return min(int(match.group(1)), 6) if match else 0


def _table_rows(table: Table) -> list[Block]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = normalise_space(cell.text)
            # A merged cell is reported once per grid column it spans.
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            rows.append(Block(" | ".join(cells)))
    return rows


def _read(data: bytes) -> tuple[str, list[Block]]:
    document = docx.Document(io.BytesIO(data))
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.extend(_table_rows(item))
            continue
        text = normalise_space(item.text)
        if text:
            blocks.append(Block(text, heading_level=_heading_level(item)))
    return normalise_space(document.core_properties.title or ""), blocks


def extract(data: bytes, fallback_title: str) -> ExtractedDocument:
    try:
        title, blocks = _read(data)
    # lxml's XMLSyntaxError (a broken part inside a valid zip) is a SyntaxError.
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, SyntaxError) as exc:
        raise DocumentRefused(
            RefusalCode.CORRUPT,
            f"This DOCX file cannot be read ({type(exc).__name__}). Save it again from your "
            "editor as .docx and resend it.",
        ) from exc
    if not title:
        heading = min(
            (b for b in blocks if b.is_heading), key=lambda b: b.heading_level, default=None
        )
        title = heading.text if heading else fallback_title
    return ExtractedDocument(title=title, blocks=tuple(blocks), mime=MIME)
