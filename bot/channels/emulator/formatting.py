"""Turn formatted text (``parse_mode``) into plain text plus ``MessageEntity`` objects.

Telegram does not store markup: a message sent with ``parse_mode=HTML`` comes back with the
tags removed and an ``entities`` list, and malformed markup is a 400 "can't parse entities".
The emulator does the same, so markup mistakes in Sova show up here rather than in production.
Entity offsets and lengths are counted in UTF-16 code units, as the Bot API specifies.
"""

from __future__ import annotations

import re
from typing import Any

from bot.channels.emulator.errors import bad_request

Entity = dict[str, Any]

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def entity(kind: str, offset: int, length: int, **extra: Any) -> Entity:
    found: Entity = {"type": kind, "offset": offset, "length": length}
    found.update({key: value for key, value in extra.items() if value is not None})
    return found


def sorted_entities(entities: list[Entity]) -> list[Entity]:
    """Telegram's order: by offset, an enclosing entity before the ones inside it."""
    kept = [e for e in entities if e["length"] > 0]
    return sorted(kept, key=lambda e: (e["offset"], -e["length"]))


def parse_formatted(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """(plain text, entities) for ``text`` sent with ``parse_mode`` (None: plain text)."""
    from bot.channels.emulator.html_markup import parse_html
    from bot.channels.emulator.markdown_markup import parse_markdown_v2

    mode = (parse_mode or "").lower()
    if not mode:
        return text, []
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        # The legacy mode is accepted but not interpreted: Sova does not use it.
        return text, []
    raise bad_request(f'unsupported parse_mode "{parse_mode}"')


def command_entities(text: str) -> list[Entity]:
    """The ``bot_command`` entity Telegram adds when a message starts with "/command"."""
    match = _COMMAND.match(text)
    if match is None:
        return []
    return [entity("bot_command", 0, utf16_length(match.group(0)))]


def cant_parse(detail: str) -> Exception:
    return bad_request(f"can't parse entities: {detail}")
