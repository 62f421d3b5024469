"""Translations and human-friendly formatting of times and durations, in Russian and English.

Each plugin (and the runtime itself) keeps its texts in ``locales/<lang>.yaml`` as a flat
mapping of key → template; templates use ``str.format`` fields. A missing key in the user's
language falls back to English, then to the key itself, so a gap shows up as a visible key
rather than a crash.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("ru", "en")
FALLBACK_LANGUAGE = "en"

_RU_MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip


class Translations:
    """Texts of one component (a plugin or the runtime) in every language."""

    def __init__(self, texts: dict[str, dict[str, str]]) -> None:
        self._texts = texts

    @classmethod
    def load(cls, folder: Path) -> Translations:
        texts: dict[str, dict[str, str]] = {}
        for lang in LANGUAGES:
            file = folder / f"{lang}.yaml"
            if file.exists():
                data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
                if not isinstance(data, dict):
                    raise ValueError(f"{file}: expected a mapping of key -> text")
                texts[lang] = {str(k): str(v) for k, v in data.items()}
        return cls(texts)

    def has(self, key: str, lang: str) -> bool:
        return key in self._texts.get(lang, {})

    def t(self, key: str, lang: str, **values: Any) -> str:
        template = self._texts.get(lang, {}).get(key)
        if template is None:
            template = self._texts.get(FALLBACK_LANGUAGE, {}).get(key, key)
        try:
            return template.format(**values)
        except (KeyError, IndexError):
            return template


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    """Pick the Russian plural form: 1 минута, 2 минуты, 5 минут."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def format_duration(seconds: float, lang: str, *, accusative: bool = False) -> str:
    """``4500`` → "1 час 15 минут" / "1 hour 15 minutes". ``accusative`` gives the Russian
    form that follows "через"/"на": "через 1 минуту", not "через 1 минута"."""
    total = round(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts: list[str] = []
    minute_one = "минуту" if accusative else "минута"
    second_one = "секунду" if accusative else "секунда"
    units = (
        (days, ("день", "дня", "дней"), ("day", "days")),
        (hours, ("час", "часа", "часов"), ("hour", "hours")),
        (minutes, (minute_one, "минуты", "минут"), ("minute", "minutes")),
        (secs, (second_one, "секунды", "секунд"), ("second", "seconds")),
    )
    for value, ru, en in units:
        if value:
            word = plural_ru(value, *ru) if lang == "ru" else (en[0] if value == 1 else en[1])
            parts.append(f"{value} {word}")
    if not parts:
        return "0 секунд" if lang == "ru" else "0 seconds"
    return " ".join(parts)


def format_when(moment: datetime, now: datetime, lang: str) -> str:
    """A time as people say it: "сегодня в 10:02", "tomorrow at 07:00", "5 марта в 09:00"."""
    local = moment.astimezone(now.tzinfo)
    clock = local.strftime("%H:%M")
    day_delta = (local.date() - now.date()).days
    if lang == "ru":
        if day_delta == 0:
            return f"сегодня в {clock}"
        if day_delta == 1:
            return f"завтра в {clock}"
        if day_delta == 2:
            return f"послезавтра в {clock}"
        year = f" {local.year}" if local.year != now.year else ""
        return f"{local.day} {_RU_MONTHS_GENITIVE[local.month - 1]}{year} в {clock}"
    if day_delta == 0:
        return f"today at {clock}"
    if day_delta == 1:
        return f"tomorrow at {clock}"
    year = f" {local.year}" if local.year != now.year else ""
    return f"{local.strftime('%B')} {local.day}{year} at {clock}"


def format_in(moment: datetime, now: datetime, lang: str) -> str:
    """How far ahead a moment is, rounded to the minute: "через 2 минуты" / "in 2 minutes"."""
    delta = max(timedelta(0), moment - now)
    seconds = delta.total_seconds()
    rounded = 60 * round(seconds / 60) if seconds >= 60 else round(seconds)
    text = format_duration(rounded, lang, accusative=True)
    return f"через {text}" if lang == "ru" else f"in {text}"
