"""Offset-preserving text rewriting for the extractors' pre-normalisation.

The parsing libraries need small fixes to their input ("семь утра" → "07:00"), but a value found
in the rewritten text must still be reported at its place in the user's text. `Rewritten` keeps,
for every character, the span of original text it came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.nlu.text import fold


@dataclass(frozen=True, slots=True)
class Rewritten:
    text: str
    starts: tuple[int, ...]  # per character: start of the original text it stands for
    ends: tuple[int, ...]  # per character: end of the original text it stands for

    @classmethod
    def of(cls, text: str) -> Rewritten:
        """Start from the user's text, lowercased with ё→е (both keep the length)."""
        # A character whose lowercase form is longer ("İ") is kept as is, to keep offsets 1:1.
        folded = "".join(low if len(low := fold(char)) == 1 else char for char in text)
        return cls(folded, tuple(range(len(text))), tuple(range(1, len(text) + 1)))

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Where rewritten text[start:end] came from in the original text."""
        return self.starts[start], self.ends[end - 1]

    def sub(self, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]) -> Rewritten:
        """Like `re.sub`; each replacement maps to the whole original span of its match."""
        text: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        position = 0
        for match in pattern.finditer(self.text):
            if match.end() == match.start():
                continue
            text.append(self.text[position : match.start()])
            starts.extend(self.starts[position : match.start()])
            ends.extend(self.ends[position : match.start()])
            replacement = replace(match)
            if replacement == match.group():
                text.append(replacement)
                starts.extend(self.starts[match.start() : match.end()])
                ends.extend(self.ends[match.start() : match.end()])
            else:
                origin = self.original_span(match.start(), match.end())
                text.append(replacement)
                starts.extend([origin[0]] * len(replacement))
                ends.extend([origin[1]] * len(replacement))
            position = match.end()
        if position == 0:
            return self
        text.append(self.text[position:])
        starts.extend(self.starts[position:])
        ends.extend(self.ends[position:])
        return Rewritten("".join(text), tuple(starts), tuple(ends))
