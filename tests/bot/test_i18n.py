"""Times and durations worded as people say them, in both languages."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Translations, format_duration, format_in, format_when, plural_ru

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))


@pytest.mark.parametrize(
    ("n", "word"),
    [(1, "минута"), (2, "минуты"), (5, "минут"), (11, "минут"), (21, "минута"), (104, "минуты")],
)
def test_russian_plurals(n: int, word: str) -> None:
    assert plural_ru(n, "минута", "минуты", "минут") == word


def test_durations() -> None:
    assert format_duration(4500, "ru") == "1 час 15 минут"
    assert format_duration(4500, "en") == "1 hour 15 minutes"
    assert format_duration(60, "ru", accusative=True) == "1 минуту"
    assert format_duration(86400 + 1, "en") == "1 day 1 second"


def test_in_and_when() -> None:
    assert format_in(NOW + timedelta(minutes=1), NOW, "ru") == "через 1 минуту"
    assert format_in(NOW + timedelta(minutes=21), NOW, "en") == "in 21 minutes"
    assert format_when(NOW + timedelta(minutes=2), NOW, "ru") == "сегодня в 10:02"
    assert format_when(NOW + timedelta(days=1, hours=-3), NOW, "en") == "tomorrow at 07:00"
    assert format_when(NOW + timedelta(days=5), NOW, "ru") == "15 марта в 10:00"
    assert format_when(NOW + timedelta(days=5), NOW, "en") == "March 15 at 10:00"


def test_translations_fall_back_to_english_then_the_key(tmp_path: Path) -> None:
    (tmp_path / "en.yaml").write_text("hello: 'Hello, {name}'\nonly_en: x\n")
    (tmp_path / "ru.yaml").write_text("hello: 'Привет, {name}'\n")
    texts = Translations.load(tmp_path)
    assert texts.t("hello", "ru", name="Аня") == "Привет, Аня"
    assert texts.t("only_en", "ru") == "x"
    assert texts.t("missing", "ru") == "missing"


def test_every_runtime_and_plugin_text_exists_in_both_languages() -> None:
    import yaml

    repo = Path(__file__).resolve().parents[2]
    folders = [repo / "bot" / "locales", *sorted(repo.glob("plugins/*/locales"))]
    for folder in folders:
        ru = yaml.safe_load((folder / "ru.yaml").read_text())
        en = yaml.safe_load((folder / "en.yaml").read_text())
        assert set(ru) == set(en), f"{folder}: {set(ru) ^ set(en)}"
