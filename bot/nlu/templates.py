"""Exact sentence templates, Home Assistant style: `(покажи|список) [мои] напоминания`.

Syntax: `(a|b)` alternatives, `[x]` optional (may hold alternatives too), `{slot}` free text for a
slot. A template is compiled to one regular expression over *normalised* text (see
`bot.nlu.text.normalise`) and must match the whole sentence.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from bot.nlu.text import normalise, normalise_with_map

_SLOT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CLOSERS = {"(": ")", "[": "]"}


class TemplateError(ValueError):
    """Malformed template; the catalog adds the file and line when it re-raises."""


@dataclass(frozen=True, slots=True)
class _Literal:
    text: str


@dataclass(frozen=True, slots=True)
class _Capture:
    slot: str


@dataclass(frozen=True, slots=True)
class _Choice:
    options: tuple[tuple[_Node, ...], ...]
    optional: bool


_Node = _Literal | _Capture | _Choice


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.position = 0

    def parse(self) -> tuple[_Node, ...]:
        sequence = self._sequence(closer=None)
        if self.position < len(self.source):  # only a stray closer stops the top-level sequence
            raise TemplateError(f"unexpected {self.source[self.position]!r}")
        return sequence

    def _sequence(self, closer: str | None) -> tuple[_Node, ...]:
        nodes: list[_Node] = []
        literal: list[str] = []

        def flush() -> None:
            if literal:
                nodes.append(_Literal("".join(literal)))
                literal.clear()

        while self.position < len(self.source):
            char = self.source[self.position]
            if char in "|)]" and closer is not None:
                break
            if char in "|)]}":
                raise TemplateError(f"unexpected {char!r} at column {self.position + 1}")
            self.position += 1
            if char in _CLOSERS:
                flush()
                nodes.append(self._choice(opener=char))
            elif char == "{":
                flush()
                nodes.append(self._capture())
            else:
                literal.append(char)
        flush()
        return tuple(nodes)

    def _choice(self, opener: str) -> _Choice:
        closer = _CLOSERS[opener]
        options = [self._sequence(closer)]
        while self.position < len(self.source) and self.source[self.position] == "|":
            self.position += 1
            options.append(self._sequence(closer))
        if self.position >= len(self.source) or self.source[self.position] != closer:
            raise TemplateError(f"{opener!r} is never closed with {closer!r}")
        self.position += 1
        return _Choice(tuple(options), optional=opener == "[")

    def _capture(self) -> _Capture:
        end = self.source.find("}", self.position)
        if end < 0:
            raise TemplateError("'{' is never closed")
        name = self.source[self.position : end].strip()
        if not _SLOT_NAME.fullmatch(name):
            raise TemplateError(f"bad slot name {name!r} in '{{...}}'")
        self.position = end + 1
        return _Capture(name)


class _Compiler:
    """Turns the parse tree into a regex; spaces are optional so `[x]` can vanish cleanly.

    Word boundaries around literals keep optional spaces from gluing words together:
    "покажи [мои] напоминания" matches "покажи напоминания" but not "покажинапоминания".
    """

    def __init__(self) -> None:
        self.groups: dict[str, str] = {}  # regex group name -> slot name

    def compile(self, nodes: Iterable[_Node]) -> str:
        return "".join(self._node(node) for node in nodes)

    def _node(self, node: _Node) -> str:
        if isinstance(node, _Literal):
            return self._literal(node.text)
        if isinstance(node, _Capture):
            group = f"g{len(self.groups)}"
            self.groups[group] = node.slot
            return rf"(?P<{group}>\S(?:.*?\S)?)"
        body = "|".join(self.compile(option) for option in node.options)
        return f"(?:{body})" + ("?" if node.optional else "")

    @staticmethod
    def _literal(text: str) -> str:
        parts: list[str] = []
        for index, chunk in enumerate(text.split(" ")):
            if index:
                parts.append(" ?")
            if not chunk:
                continue
            head = r"(?<!\w)" if chunk[0].isalnum() else ""
            tail = r"(?!\w)" if chunk[-1].isalnum() else ""
            parts.append(head + re.escape(chunk) + tail)
        return "".join(parts)


@dataclass(frozen=True, slots=True)
class Template:
    intent: str
    source: str
    pattern: re.Pattern[str]
    groups: dict[str, str]  # regex group name -> slot name

    @property
    def slots(self) -> frozenset[str]:
        return frozenset(self.groups.values())


def compile_template(intent: str, source: str) -> Template:
    """Compile one template; raises TemplateError with a readable reason."""
    if not source.strip():
        raise TemplateError("template is empty")
    nodes = _Parser(normalise(source)).parse()
    _check_single_capture(nodes)
    compiler = _Compiler()
    pattern = re.compile(compiler.compile(nodes))
    return Template(intent, source, pattern, dict(compiler.groups))


def _check_single_capture(nodes: Iterable[_Node]) -> list[str]:
    """Slots captured along the sequence; a slot twice on one path would be ambiguous."""
    seen: list[str] = []
    for node in nodes:
        if isinstance(node, _Capture):
            seen.append(node.slot)
        elif isinstance(node, _Choice):
            # Alternatives exclude each other, so the same slot may appear in several of them.
            union: set[str] = set()
            for option in node.options:
                union.update(_check_single_capture(option))
            seen.extend(sorted(union))
    duplicates = {slot for slot in seen if seen.count(slot) > 1}
    if duplicates:
        raise TemplateError(f"slot {sorted(duplicates)[0]!r} is captured twice")
    return seen


@dataclass(frozen=True, slots=True)
class TemplateMatch:
    intent: str
    template: str
    spans: dict[str, tuple[int, int]]  # slot -> offsets in the original (not normalised) text


class TemplateMatcher:
    """Tries templates in file order; the first whole-sentence match wins."""

    def __init__(self, templates: Iterable[Template]) -> None:
        self.templates = tuple(templates)

    def match(self, text: str, allowed: Collection[str] | None = None) -> list[TemplateMatch]:
        """All matching templates, in order (the engine takes the first whose slots parse)."""
        normalised, origin = normalise_with_map(text)
        matches: list[TemplateMatch] = []
        for template in self.templates:
            if allowed is not None and template.intent not in allowed:
                continue
            found = template.pattern.fullmatch(normalised)
            if found is None:
                continue
            spans: dict[str, tuple[int, int]] = {}
            for group, slot in template.groups.items():
                start, end = found.span(group)
                if start >= 0:
                    spans[slot] = (origin[start], origin[end - 1] + 1)
            matches.append(TemplateMatch(template.intent, template.source, spans))
        return matches
