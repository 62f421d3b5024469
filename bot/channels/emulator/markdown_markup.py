"""``parse_mode=MarkdownV2``: Telegram's markers, escapes and reserved characters.

The check that matters most in practice is the reserved-character rule: an unescaped "." or
"!" in MarkdownV2 text is a 400 from Telegram, and a common bug in bots.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.channels.emulator.formatting import (
    Entity,
    cant_parse,
    entity,
    sorted_entities,
    utf16_length,
)

RESERVED = set("_*[]()~`>#+-=|{}.!")

# Longest markers first so "__" (underline) wins over "_" (italic) and "||" over "|".
_TOGGLES = (
    ("||", "spoiler"),
    ("__", "underline"),
    ("*", "bold"),
    ("_", "italic"),
    ("~", "strikethrough"),
)


@dataclass(slots=True)
class _Parser:
    source: str
    index: int = 0
    parts: list[str] = field(default_factory=list)
    length: int = 0
    entities: list[Entity] = field(default_factory=list)
    # kind → (plain-text offset, byte offset of the marker in the source)
    open_toggles: dict[str, tuple[int, int]] = field(default_factory=dict)
    link_starts: list[int] = field(default_factory=list)

    def emit(self, text: str) -> None:
        self.parts.append(text)
        self.length += utf16_length(text)

    def byte_offset(self) -> int:
        return len(self.source[: self.index].encode("utf-8"))

    def run(self) -> tuple[str, list[Entity]]:
        at_line_start = True
        quote_start: int | None = None
        while self.index < len(self.source):
            if at_line_start:
                quote_start = self._line_start(quote_start)
            char = self.source[self.index]
            at_line_start = char == "\n"
            if char == "\\":
                self._escape()
            elif self.source.startswith("```", self.index):
                self._pre()
            elif char == "`":
                self._code()
            elif char == "[" or (char == "!" and self.source.startswith("![", self.index)):
                self.index += 2 if char == "!" else 1
                self.link_starts.append(self.length)
            elif char == "]" and self.link_starts:
                self._link_end()
            elif not self._toggle():
                if char in RESERVED:
                    raise cant_parse(
                        f"Character '{char}' is reserved and must be escaped with the "
                        "preceding '\\'"
                    )
                self.emit(char)
                self.index += 1
        self._close_quote(quote_start)
        for kind, (_, byte_offset) in self.open_toggles.items():
            name = kind.capitalize()
            raise cant_parse(f"Can't find end of {name} entity at byte offset {byte_offset}")
        if self.link_starts:
            raise cant_parse("Can't find end of a TextUrl entity")
        return "".join(self.parts), sorted_entities(self.entities)

    def _line_start(self, quote_start: int | None) -> int | None:
        """Handle a ">" blockquote marker at the start of a line."""
        if self.source.startswith(">", self.index):
            self.index += 1
            return self.length if quote_start is None else quote_start
        self._close_quote(quote_start)
        return None

    def _close_quote(self, quote_start: int | None) -> None:
        if quote_start is not None:
            # The newline that ended the quote is not part of it.
            end = self.length - (1 if "".join(self.parts).endswith("\n") else 0)
            self.entities.append(entity("blockquote", quote_start, end - quote_start))

    def _escape(self) -> None:
        if self.index + 1 >= len(self.source):
            raise cant_parse("Character '\\' is reserved and must be escaped")
        self.emit(self.source[self.index + 1])
        self.index += 2

    def _toggle(self) -> bool:
        for marker, kind in _TOGGLES:
            if self.source.startswith(marker, self.index):
                opened = self.open_toggles.pop(kind, None)
                if opened is None:
                    self.open_toggles[kind] = (self.length, self.byte_offset())
                else:
                    start = opened[0]
                    self.entities.append(entity(kind, start, self.length - start))
                self.index += len(marker)
                return True
        return False

    def _code(self) -> None:
        end = self._find_closing("`", self.index + 1)
        start = self.length
        self.emit(_unescape(self.source[self.index + 1 : end]))
        self.entities.append(entity("code", start, self.length - start))
        self.index = end + 1

    def _pre(self) -> None:
        end = self._find_closing("```", self.index + 3)
        body = self.source[self.index + 3 : end]
        language: str | None = None
        first_line, newline, rest = body.partition("\n")
        if newline and first_line and " " not in first_line:
            language, body = first_line, rest
        start = self.length
        self.emit(_unescape(body))
        self.entities.append(entity("pre", start, self.length - start, language=language))
        self.index = end + 3

    def _find_closing(self, marker: str, position: int) -> int:
        while position < len(self.source):
            if self.source[position] == "\\":
                position += 2
                continue
            if self.source.startswith(marker, position):
                return position
            position += 1
        raise cant_parse(
            f"Can't find end of the entity starting at byte offset {self.byte_offset()}"
        )

    def _link_end(self) -> None:
        start = self.link_starts.pop()
        if not self.source.startswith("](", self.index):
            raise cant_parse(
                "Character ']' is reserved and must be escaped with the preceding '\\'"
            )
        close = self._find_closing(")", self.index + 2)
        url = _unescape(self.source[self.index + 2 : close])
        self.index = close + 1
        if url.startswith("tg://emoji?id="):
            emoji_id = url.removeprefix("tg://emoji?id=")
            self.entities.append(
                entity("custom_emoji", start, self.length - start, custom_emoji_id=emoji_id)
            )
        else:
            self.entities.append(entity("text_link", start, self.length - start, url=url))


def _unescape(text: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(text):
        if text[index] == "\\" and index + 1 < len(text):
            out.append(text[index + 1])
            index += 2
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


def parse_markdown_v2(source: str) -> tuple[str, list[Entity]]:
    return _Parser(source).run()
