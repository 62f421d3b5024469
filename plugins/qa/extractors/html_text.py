"""HTML: visible text by block element (BeautifulSoup); scripts, styles and navigation dropped."""

from __future__ import annotations

from bs4 import BeautifulSoup
from bs4.element import (
    Comment,
    Doctype,
    NavigableString,
    PageElement,
    ProcessingInstruction,
    Tag,
)

from plugins.qa.document import Block, ExtractedDocument
from plugins.qa.extractors.plain_text import decode, normalise_space

MIME = "text/html"

# Not content: code, styling, page chrome.
_DROPPED = frozenset(
    {"script", "style", "noscript", "template", "nav", "svg", "iframe", "head", "form",
     "button", "select", "aside", "footer"}
)  # fmt: skip
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
# Elements that end the paragraph before and after them.
_BLOCKS = frozenset(
    {"p", "div", "section", "article", "main", "header", "li", "ul", "ol", "dl", "dt", "dd",
     "blockquote", "pre", "figure", "figcaption", "table", "caption", "address", "details",
     "summary", "body", "html", "hr"}
)  # fmt: skip
_SKIPPED_STRINGS = (Comment, Doctype, ProcessingInstruction)


class _Collector:
    """Walks the tree once, flushing the running text at every block boundary."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._parts: list[str] = []

    def flush(self, level: int = 0) -> None:
        text = normalise_space("".join(self._parts))
        self._parts = []
        if text:
            self.blocks.append(Block(text, heading_level=level))

    def walk(self, node: PageElement) -> None:
        if isinstance(node, NavigableString):
            if not isinstance(node, _SKIPPED_STRINGS):
                self._parts.append(str(node))
            return
        if not isinstance(node, Tag) or node.name in _DROPPED:
            return
        name = node.name
        if name == "br":
            self._parts.append(" ")
        elif name in _HEADINGS:
            self.flush()
            self._parts.append(node.get_text(" "))
            self.flush(_HEADINGS[name])
        elif name == "tr":
            self.flush()
            cells = (normalise_space(c.get_text(" ")) for c in node.find_all(["td", "th"]))
            self._parts.append(" | ".join(c for c in cells if c))
            self.flush()
        elif name in _BLOCKS:
            self.flush()
            for child in node.children:
                self.walk(child)
            self.flush()
        else:
            for child in node.children:
                self.walk(child)


def extract(data: bytes, fallback_title: str) -> ExtractedDocument:
    soup = BeautifulSoup(decode(data), "html.parser")
    collector = _Collector()
    collector.walk(soup.body or soup)
    collector.flush()
    title = normalise_space(soup.title.get_text()) if soup.title else ""
    if not title:
        h1 = next((b for b in collector.blocks if b.heading_level == 1), None)
        title = h1.text if h1 else fallback_title
    return ExtractedDocument(title=title, blocks=tuple(collector.blocks), mime=MIME)
