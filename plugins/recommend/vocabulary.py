"""Item types and genres: canonical names, how to say them in each language, fuzzy matching.

Catalog CSVs and users name genres in many ways ("sci-fi", "science fiction",
"фантастика", "фантастический"); everything is mapped to one canonical name so a request
finds items whatever words either side used. A tag that matches no known genre is kept as
it was written (lower case): an admin's catalog may have genres this table lacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, process

from bot.nlu.extractors.enums import find_enum
from bot.nlu.text import fold


@dataclass(frozen=True, slots=True)
class Term:
    """A canonical name and its names and synonyms per language."""

    name: str
    en: str
    ru: str
    synonyms: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return self.ru if lang == "ru" else self.en


KINDS: tuple[Term, ...] = (
    Term("film", "film", "фильм",
         ("movie", "movies", "films", "cinema", "watch", "кино", "фильмы", "кинофильм",
          "посмотреть", "фильмец", "фильма", "фильмов", "киношку")),
    Term("book", "book", "книга",
         ("books", "novel", "novels", "read", "reading", "книги", "книгу", "книг", "книжка",
          "книжку", "книжек", "роман", "романы", "почитать", "прочитать")),
)  # fmt: skip

GENRES: tuple[Term, ...] = (
    Term("sci-fi", "sci-fi", "фантастика",
         ("science fiction", "scifi", "sf", "space", "научная фантастика", "фантастический",
          "фантастику", "фантастическую", "фантастическое", "фантастических",
          "научно-фантастический", "космос")),
    Term("fantasy", "fantasy", "фэнтези", ("фентези", "magic", "магия", "сказка")),
    Term("drama", "drama", "драма", ("dramas", "драму", "драматический")),
    Term("comedy", "comedy", "комедия", ("comedies", "funny", "комедию", "комедии", "комедий",
                                           "комедийный", "смешной", "смешное")),
    Term("thriller", "thriller", "триллер", ("thrillers", "suspense", "триллеры", "триллеров")),
    Term("crime", "crime", "криминал", ("gangster", "криминальный", "гангстерский")),
    Term("mystery", "mystery", "детектив", ("detective", "whodunit", "mysteries", "детективы",
                                             "детективов", "детективный", "мистика")),
    Term("horror", "horror", "ужасы", ("scary", "хоррор", "страшный", "страшное", "ужастик",
                                       "ужастики", "ужастиков")),
    Term("romance", "romance", "мелодрама", ("romantic", "love story", "романтика",
                                              "романтический", "про любовь", "мелодраму")),
    Term("adventure", "adventure", "приключения", ("adventures", "приключенческий",
                                                    "приключение")),
    Term("action", "action", "боевик", ("action movie", "боевики", "экшен", "экшн")),
    Term("animation", "animation", "мультфильм",
         ("animated", "cartoon", "anime", "мультик", "мультики", "мультфильмы", "анимация",
          "аниме")),
    Term("family", "family", "семейный", ("kids", "children", "детский", "для детей",
                                           "семейное")),
    Term("history", "history", "история", ("historical", "исторический", "историческое")),
    Term("war", "war", "военный", ("про войну", "война", "военное")),
    Term("biography", "biography", "биография", ("biopic", "memoir", "биографический",
                                                  "мемуары")),
    Term("dystopia", "dystopia", "антиутопия", ("dystopian", "антиутопию")),
    Term("classic", "classic", "классика", ("classics", "классический", "классику")),
    Term("musical", "musical", "мюзикл", ("music", "музыкальный")),
    Term("western", "western", "вестерн", ("westerns",)),
    Term("satire", "satire", "сатира", ("сатирический",)),
    Term("philosophy", "philosophy", "философия", ("philosophical", "философский")),
)  # fmt: skip

_BY_NAME = {term.name: term for term in (*KINDS, *GENRES)}
# 85: "комедию" ↔ "комедия" (86) passes, "драма" ↔ "дорама" (73) does not.
FUZZY_CUTOFF = 85.0
_SEPARATORS = re.compile(r"\s*[|;,/]\s*")


@cache
def _choices(terms: tuple[Term, ...]) -> dict[str, str]:
    choices: dict[str, str] = {}
    for term in terms:
        for phrase in (term.name, term.en, term.ru, *term.synonyms):
            choices.setdefault(fold(phrase).strip(), term.name)
    return choices


def _match(text: str, terms: tuple[Term, ...]) -> str | None:
    folded = fold(text).strip()
    if not folded:
        return None
    choices = _choices(terms)
    if folded in choices:
        return choices[folded]
    found = process.extractOne(folded, list(choices), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    return choices[found[0]] if found else None


def canonical_kind(text: str) -> str:
    """ "Movie", "фильм" → "film"; an unknown type stays as written, in lower case."""
    return _match(text, KINDS) or " ".join(text.lower().split())


def canonical_genre(text: str) -> str:
    """ "Science fiction", "фантастику" → "sci-fi"; an unknown genre stays, in lower case."""
    return _match(text, GENRES) or " ".join(text.lower().split())


def known_genre(text: str) -> str | None:
    """The canonical genre ``text`` names, or None when it names none of the known ones."""
    return _match(text, GENRES)


def split_genres(text: str) -> tuple[str, ...]:
    """A CSV cell "Sci-Fi|Adventure" or "драма, комедия" → canonical genres, in order."""
    seen: dict[str, None] = {}
    for part in _SEPARATORS.split(text):
        if part.strip():
            seen.setdefault(canonical_genre(part), None)
    return tuple(seen)


def label(name: str, lang: str) -> str:
    """How to write a kind or genre for a reader of ``lang`` (unknown names as they are)."""
    term = _BY_NAME.get(name)
    return term.label(lang) if term else name


@cache
def _values(terms: tuple[Term, ...]) -> dict[str, dict[str, tuple[str, ...]]]:
    """The terms as an enum slot's values ({lang: {canonical: synonyms}}) for ``find_enum``."""
    return {"any": {term.name: (term.en, term.ru, *term.synonyms) for term in terms}}


def find_kind(text: str) -> str | None:
    """The item type a sentence names anywhere ("sci-fi book like Dune" → "book"): a template
    match carries no slots, and the tagger can miss one."""
    found = find_enum(text, _values(KINDS), "any")
    return str(found.value) if found is not None else None


def find_genre(text: str) -> str | None:
    """The known genre a sentence names anywhere, like ``find_kind``."""
    found = find_enum(text, _values(GENRES), "any")
    return str(found.value) if found is not None else None
