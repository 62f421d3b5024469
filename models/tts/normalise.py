"""Text normalisation before speech synthesis: written forms to the words a person would say.

Piper, festival and espeak-ng read digits, symbols and abbreviations badly ("22.11.2026",
"$5", "т.е."), so every reply goes through ``normalise`` first. It is regex-only (patterns are
compiled at import) and num2words does the spelling; a typical sentence takes well under 1 ms.

Per-language rules live in ``normalise_ru`` / ``normalise_en`` and their word tables in
``normalise_ru_tables`` / ``normalise_en_tables``; ``normalise_markup`` holds the cleanup
that does not depend on the language.
"""

from __future__ import annotations

from collections.abc import Callable

from models.tts import normalise_en, normalise_ru
from models.tts.normalise_markup import (
    collapse_whitespace,
    drop_emoji,
    drop_unreadable,
    join_lines,
    replace_links,
    strip_markup,
    tidy_spaces,
)

_EXPANDERS: dict[str, Callable[[str], str]] = {
    "ru": normalise_ru.expand,
    "en": normalise_en.expand,
}
# What a link or an e-mail address is read as.
_LINK_WORDS = {"ru": ("ссылка", "адрес почты"), "en": ("link", "email address")}


def normalise(text: str, lang: str) -> str:
    """Rewrite ``text`` as it should be spoken in ``lang`` ("ru" or "en"; "en-US" counts as "en").

    Numbers, dates, times, money, units, abbreviations and symbols become words; markup,
    links and emoji are dropped or replaced; line breaks become sentence ends. Any other
    language only gets its whitespace collapsed. Idempotent: normalising twice changes nothing.
    """
    primary = lang.replace("_", "-").split("-", 1)[0].lower()
    expand = _EXPANDERS.get(primary)
    if expand is None:
        return collapse_whitespace(text)
    link_word, email_word = _LINK_WORDS[primary]
    text = strip_markup(text)
    text = replace_links(text, link_word, email_word)
    text = drop_emoji(text)
    text = join_lines(text)
    text = expand(text)
    text = drop_unreadable(text)
    return tidy_spaces(text)
