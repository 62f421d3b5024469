"""What a request asks for, from the NLU's slots and the text around them.

A template match carries no slots, and the tagger may cut a title short or read a word of it
as a genre ("something like [War](genre) [of the Worlds](like)"). So the title is looked up
from where the tagger put it to the end of the message, also starting a word or two earlier,
longest first (titles end such requests: "like Dune, please" still finds Dune); type and genre
words are searched in the text before the title, and a genre word that turns out to be part of
the title is not a genre ("like War of the Worlds" asks for no war films).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.nlu import SlotValue
from plugins.recommend.catalog import Catalog
from plugins.recommend.store import Item
from plugins.recommend.vocabulary import canonical_kind, find_genre, find_kind

WORDS_BACK = 2
"""How many words before the tagged title may belong to it."""
_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Asked:
    kind: str | None
    genre: str | None
    like: Item | None
    like_text: str | None
    """The title as the user wrote it, when one was asked for (found or not)."""


def read_request(
    text: str,
    slots: Mapping[str, SlotValue],
    catalog: Catalog,
    *,
    kind: str | None,
    genre: str | None,
    like: str | None,
) -> Asked:
    kind = canonical_kind(kind) if kind else None
    span = slots.get("like")
    like_item: Item | None = None
    title_start = len(text)
    if like:
        start = (
            span.start if span is not None and text[span.start : span.end] == span.text else None
        )
        like_item, title_start = _find_title(text, like, start, catalog, kind)
    before = text[:title_start]
    kind_slot, genre_slot = slots.get("kind"), slots.get("genre")
    if kind and kind_slot is not None and kind_slot.start >= title_start:
        kind = None
    if genre and genre_slot is not None and genre_slot.start >= title_start:
        genre = None
    return Asked(
        kind=kind or find_kind(before),
        genre=genre or find_genre(before),
        like=like_item,
        like_text=like.strip() if like else None,
    )


def _find_title(
    text: str, like: str, start: int | None, catalog: Catalog, kind: str | None
) -> tuple[Item | None, int]:
    """The item and where its title starts in ``text`` (``len(text)`` when not found)."""
    if start is None:  # the slot's text is not in the message as such: use it alone
        return _longest_prefix(like, catalog, kind), len(text)
    words = [m.start() for m in _WORD.finditer(text[:start])][-WORDS_BACK:]
    for begin in [start, *reversed(words)]:
        found = _longest_prefix(text[begin:], catalog, kind)
        if found is not None:
            return found, begin
    return None, len(text)


def _longest_prefix(phrase: str, catalog: Catalog, kind: str | None) -> Item | None:
    words = phrase.strip().rstrip("?!.").split()
    for end in range(len(words), 0, -1):
        found = catalog.find(" ".join(words[:end]), kind)
        if found is not None:
            return found
    return None
