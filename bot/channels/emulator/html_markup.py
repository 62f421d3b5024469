"""``parse_mode=HTML``: the tags Telegram supports, checked the way Telegram checks them."""

from __future__ import annotations

from html.parser import HTMLParser

from bot.channels.emulator.formatting import (
    Entity,
    cant_parse,
    entity,
    sorted_entities,
    utf16_length,
)

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}


class _OpenTag:
    __slots__ = ("attrs", "kind", "name", "offset")

    def __init__(self, name: str, kind: str | None, offset: int, attrs: dict[str, str]) -> None:
        self.name = name
        self.kind = kind
        self.offset = offset
        self.attrs = attrs


class _TelegramHtml(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._line_starts = [0]
        for index, char in enumerate(source):
            if char == "\n":
                self._line_starts.append(index + 1)
        self._source = source
        self.text_parts: list[str] = []
        self.length = 0  # UTF-16 units of plain text so far
        self.entities: list[Entity] = []
        self.open: list[_OpenTag] = []

    def byte_offset(self) -> int:
        line, column = self.getpos()
        index = self._line_starts[line - 1] + column
        return len(self._source[:index].encode("utf-8"))

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)
        self.length += utf16_length(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        kind = _SIMPLE_TAGS.get(tag)
        if tag == "a":
            kind = "text_link"
        elif tag == "span" and values.get("class") == "tg-spoiler":
            kind = "spoiler"
        elif tag == "blockquote":
            kind = "expandable_blockquote" if "expandable" in values else "blockquote"
        elif tag == "tg-emoji":
            kind = "custom_emoji"
        elif kind is None:
            raise cant_parse(f'Unsupported start tag "{tag}" at byte offset {self.byte_offset()}')
        self.open.append(_OpenTag(tag, kind, self.length, values))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise cant_parse(f'Unsupported start tag "{tag}/" at byte offset {self.byte_offset()}')

    def handle_endtag(self, tag: str) -> None:
        if not self.open:
            raise cant_parse(f"Unexpected end tag at byte offset {self.byte_offset()}")
        top = self.open.pop()
        if top.name != tag:
            raise cant_parse(
                f"Unmatched end tag at byte offset {self.byte_offset()}, "
                f'expected "</{top.name}>", found "</{tag}>"'
            )
        self._close(top)

    def _close(self, tag: _OpenTag) -> None:
        length = self.length - tag.offset
        if tag.kind == "text_link":
            # tg://user?id= links stay text_link: a text_mention needs the whole User.
            href = tag.attrs.get("href", "")
            self.entities.append(entity("text_link", tag.offset, length, url=href))
        elif tag.kind == "custom_emoji":
            emoji_id = tag.attrs.get("emoji-id")
            self.entities.append(
                entity("custom_emoji", tag.offset, length, custom_emoji_id=emoji_id)
            )
        elif tag.kind == "code" and self.open and self.open[-1].name == "pre":
            # <pre><code class="language-x"> names the language of the enclosing block.
            language = tag.attrs.get("class", "").removeprefix("language-") or None
            self.open[-1].attrs["language"] = language or ""
        elif tag.kind == "pre":
            language = tag.attrs.get("language") or None
            self.entities.append(entity("pre", tag.offset, length, language=language))
        elif tag.kind is not None:
            self.entities.append(entity(tag.kind, tag.offset, length))


def parse_html(source: str) -> tuple[str, list[Entity]]:
    parser = _TelegramHtml(source)
    parser.feed(source)
    parser.close()
    if parser.open:
        name = parser.open[-1].name
        raise cant_parse(f'Can\'t find end tag corresponding to start tag "{name}"')
    return "".join(parser.text_parts), sorted_entities(parser.entities)
