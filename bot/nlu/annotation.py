"""Parsing annotated training examples: `напомни [завтра в 7](when) [позвонить маме](what)`."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SLOT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class AnnotationError(ValueError):
    """Malformed annotation; the catalog adds the file and line when it re-raises."""


@dataclass(frozen=True, slots=True)
class SlotSpan:
    slot: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class AnnotatedExample:
    """An example with the markup removed; spans are offsets into `text`."""

    text: str
    spans: tuple[SlotSpan, ...]

    def span_text(self, span: SlotSpan) -> str:
        return self.text[span.start : span.end]


def parse_annotated(source: str) -> AnnotatedExample:
    """Strip `[text](slot)` markup, recording where each slot's text lands in the plain text.

    Square brackets are reserved for markup: a '[' that is not closed and followed by
    '(slot_name)' is an error rather than literal text, so typos cannot silently become words.
    """
    plain: list[str] = []
    spans: list[SlotSpan] = []
    plain_length = 0
    position = 0
    while position < len(source):
        char = source[position]
        if char == "]":
            raise AnnotationError(f"']' without '[' at column {position + 1}")
        if char != "[":
            plain.append(char)
            plain_length += 1
            position += 1
            continue
        close = source.find("]", position + 1)
        if close < 0:
            raise AnnotationError(f"'[' at column {position + 1} is never closed")
        inner = source[position + 1 : close]
        if "[" in inner:
            raise AnnotationError(f"nested '[' inside the span starting at column {position + 1}")
        if not inner.strip():
            raise AnnotationError(f"empty slot text at column {position + 1}")
        if inner != inner.strip():
            raise AnnotationError(f"slot text {inner!r} has leading or trailing spaces")
        if not source.startswith("(", close + 1):
            raise AnnotationError(f"[{inner}] must be followed by '(slot_name)'")
        name_end = source.find(")", close + 2)
        if name_end < 0:
            raise AnnotationError(f"'(' after [{inner}] is never closed")
        name = source[close + 2 : name_end].strip()
        if not _SLOT_NAME.fullmatch(name):
            raise AnnotationError(f"bad slot name {name!r} after [{inner}]")
        plain.append(inner)
        spans.append(SlotSpan(name, plain_length, plain_length + len(inner)))
        plain_length += len(inner)
        position = name_end + 1
    text = "".join(plain)
    if not text.strip():
        raise AnnotationError("example is empty")
    return _strip_outer_spaces(text, spans)


def _strip_outer_spaces(text: str, spans: list[SlotSpan]) -> AnnotatedExample:
    # Leading spaces would shift every span; trimming here keeps offsets exact.
    shift = len(text) - len(text.lstrip())
    stripped = text.strip()
    moved = tuple(SlotSpan(span.slot, span.start - shift, span.end - shift) for span in spans)
    return AnnotatedExample(stripped, moved)
