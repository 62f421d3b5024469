"""Markdown: markup stripped with markdown-it-py; headings become section boundaries."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from plugins.qa.document import Block, ExtractedDocument
from plugins.qa.extractors.plain_text import decode, normalise_space

MIME = "text/markdown"

_FRONT_MATTER = re.compile(r"\A---\n.*?\n(?:---|\.\.\.)\n", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _inline_text(token: Token) -> str:
    """The visible text of an inline token: link and emphasis text kept, image alt kept."""
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image":
            parts.append(_inline_text(child))
    return "".join(parts).strip()


def _table_rows(tokens: Sequence[Token], start: int) -> tuple[list[Block], int]:
    """Each row as "cell | cell"; returns the blocks and the index after ``table_close``."""
    rows: list[Block] = []
    cells: list[str] = []
    i = start
    while tokens[i].type != "table_close":
        token = tokens[i]
        if token.type == "inline":
            cells.append(normalise_space(_inline_text(token)))
        elif token.type == "tr_close":
            row = " | ".join(c for c in cells if c)
            if row:
                rows.append(Block(row))
            cells = []
        i += 1
    return rows, i + 1


def blocks(source: str) -> list[Block]:
    tokens = _PARSER.parse(_FRONT_MATTER.sub("", source))
    found: list[Block] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "table_open":
            rows, i = _table_rows(tokens, i)
            found.extend(rows)
            continue
        text = ""
        level = 0
        if token.type == "heading_open":
            level = int(token.tag[1])
            text = _inline_text(tokens[i + 1])
        elif token.type == "paragraph_open":
            text = _inline_text(tokens[i + 1])
        elif token.type in ("fence", "code_block"):
            # Lines of code or of a chat transcript stay lines (sentence boundaries).
            lines = (normalise_space(line) for line in token.content.splitlines())
            text = "\n".join(line for line in lines if line)
        elif token.type == "html_block":
            text = _TAG.sub(" ", token.content)
        if token.type not in ("fence", "code_block"):
            text = normalise_space(text)
        if text:
            found.append(Block(text, heading_level=level))
        i += 1
    return found


def extract(data: bytes, fallback_title: str) -> ExtractedDocument:
    found = blocks(decode(data))
    headings = [b for b in found if b.is_heading]
    top = min(headings, key=lambda b: b.heading_level, default=None)
    title = top.text if top else fallback_title
    return ExtractedDocument(title=title, blocks=tuple(found), mime=MIME)
