"""Small documents of every supported format, made by the tests themselves."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence

import docx
import matplotlib
from pypdf import PdfWriter

matplotlib.use("Agg")

from matplotlib import pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages


def pdf(pages: Sequence[Sequence[str]], *, title: str | None = None) -> bytes:
    """A PDF with a real text layer: one A4 page per list of lines (Cyrillic works)."""
    buffer = io.BytesIO()
    # TrueType (42), not Type 3: the text layer then maps back to Unicode.
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(buffer) as document:
        for lines in pages:
            figure = plt.figure(figsize=(8.27, 11.69))
            for i, line in enumerate(lines):
                figure.text(0.08, 0.95 - i * 0.03, line, fontsize=10)
            document.savefig(figure)
            plt.close(figure)
        if title:
            document.infodict()["Title"] = title
    return buffer.getvalue()


def blank_pdf(pages: int = 1) -> bytes:
    """A PDF without any text (what a scan looks like to a text extractor)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def encrypted_pdf(source: bytes) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(source))
    writer.encrypt("secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def large_pdf(size: int, lines: Sequence[str] = ("A large report.",)) -> bytes:
    """A valid PDF of at least ``size`` bytes: text, plus an attachment of random bytes."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf([lines])))
    writer.add_attachment("data.bin", os.urandom(size))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def docx_file(
    *,
    title: str,
    sections: Sequence[tuple[str, Sequence[str]]],
    table: Sequence[Sequence[str]] = (),
) -> bytes:
    document = docx.Document()
    document.add_heading(title, level=0)
    for heading, paragraphs in sections:
        document.add_heading(heading, level=1)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# A PNG header and the start of its IHDR chunk: binary, with NUL bytes.
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 8
