"""Typed extractors against a fixed clock: Tuesday 2026-03-10 10:00 in Moscow."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.nlu.extractors import ParseContext, find_slot_value, parse_slot_value
from bot.nlu.extractors.datetimes import find_datetime, parse_datetime
from bot.nlu.extractors.durations import find_duration, parse_duration
from bot.nlu.extractors.enums import find_enum, match_enum
from bot.nlu.extractors.numbers import find_number, parse_number
from bot.nlu.spec import SlotSpec, SlotType
from tests.bot.nlu.conftest import MOSCOW, NOW

RU = ParseContext("ru", NOW, MOSCOW)
EN = ParseContext("en", NOW, MOSCOW)


def moscow(day: int, hour: int, minute: int = 0, month: int = 3, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=MOSCOW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("через 2 минуты", moscow(10, 10, 2)),
        ("через пять минут", moscow(10, 10, 5)),
        ("через двадцать пять минут", moscow(10, 10, 25)),
        ("завтра в 7 утра", moscow(11, 7)),
        ("в 8", moscow(11, 8)),  # 08:00 has passed today: the next 08:00
        ("в 11", moscow(10, 11)),  # still ahead today
        ("в 8 вечера", moscow(10, 20)),
        ("в 3 дня", moscow(10, 15)),
        ("в 2 ночи", moscow(11, 2)),
        ("в семь тридцать", moscow(11, 7, 30)),
        ("завтра", moscow(11, 9)),  # a bare date gets the default time
        ("завтра в 10:00", moscow(11, 10)),  # equal to now's clock time, still a time
        ("в пятницу", moscow(13, 9)),
        ("в следующий понедельник в полдень", moscow(16, 12)),
        ("послезавтра в 10 вечера", moscow(12, 22)),
        ("сегодня вечером", moscow(10, 19)),
        ("через полчаса", moscow(10, 10, 30)),
        ("через полтора часа", moscow(10, 11, 30)),
        ("через 2 дня", moscow(12, 9)),
        ("на завтра в 9", moscow(11, 9)),
        ("15 марта в 11:00", moscow(15, 11)),
        ("вчера в 5", moscow(9, 5)),  # explicitly past: kept, the plugin rejects it
        ("в половине двенадцатого", moscow(10, 11, 30)),
        ("без четверти восемь", moscow(11, 7, 45)),
        ("12-го числа в 10", moscow(12, 10)),
        ("5 числа", moscow(5, 9, month=4)),  # the 5th has passed this month
    ],
)
def test_russian_datetimes(text: str, expected: datetime) -> None:
    assert parse_datetime(text, RU) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow at 7am", moscow(11, 7)),
        ("in 10 minutes", moscow(10, 10, 10)),
        ("in ten minutes", moscow(10, 10, 10)),
        ("next monday at noon", moscow(16, 12)),
        ("at 8", moscow(11, 8)),
        ("at 8 in the evening", moscow(10, 20)),
        ("tonight at 8", moscow(10, 20)),
        ("in half an hour", moscow(10, 10, 30)),
        ("on friday", moscow(13, 9)),
        ("for tomorrow at 9", moscow(11, 9)),
        ("yesterday at 5", moscow(9, 5)),
        ("at half past eleven", moscow(10, 11, 30)),
        ("quarter to eight", moscow(11, 7, 45)),
        ("on the 12th at 4pm", moscow(12, 16)),
    ],
)
def test_english_datetimes(text: str, expected: datetime) -> None:
    assert parse_datetime(text, EN) == expected


def test_datetime_is_in_the_callers_zone_and_default_time_is_configurable() -> None:
    london = ZoneInfo("Europe/London")
    context = ParseContext("en", NOW, london, default_time=time(8, 15))
    result = parse_datetime("tomorrow", context)
    assert result == datetime(2026, 3, 11, 8, 15, tzinfo=london)
    assert result is not None and result.tzinfo == london


def test_not_a_datetime() -> None:
    assert parse_datetime("позвонить маме", RU) is None
    assert parse_datetime("", RU) is None


def test_find_datetime_inside_a_sentence_reports_original_offsets() -> None:
    text = "напомни завтра в 7 утра позвонить маме"
    found = find_datetime(text, RU)
    assert found is not None
    assert text[found.start : found.end] == "завтра в 7 утра"
    assert found.value == moscow(11, 7)
    assert find_datetime("напомни позвонить маме", RU) is None
    assert find_datetime("remind me may i buy milk", EN) is None


@pytest.mark.parametrize(
    ("text", "lang", "seconds"),
    [
        ("1 час и 15 минут", "ru", 4500),
        ("на 1 час 5 минут", "ru", 3900),
        ("5 minute", "en", 300),
        ("полчаса", "ru", 1800),
        ("полтора часа", "ru", 5400),
        ("an hour and a half", "en", 5400),
        ("два с половиной часа", "ru", 9000),
        ("сорок пять секунд", "ru", 45),
        ("for 10 minutes", "en", 600),
        ("на четверть часа", "ru", 900),
        ("минуту", "ru", 60),
        ("7-minute", "en", 420),
    ],
)
def test_durations(text: str, lang: str, seconds: int) -> None:
    assert parse_duration(text, lang) == seconds


def test_not_durations() -> None:
    assert parse_duration("в пятницу", "ru") is None
    assert parse_duration("5", "ru") is None
    found = find_duration("поставь таймер на 5 минут для пиццы", "ru")
    assert found is not None and found.value == 300


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("5", "ru", 5),
        ("двадцать пять", "ru", 25),
        ("номер семь", "ru", 7),
        ("one hundred and five", "en", 105),
        ("2,5", "ru", 2.5),
        ("второе", "ru", 2),
        ("the third", "en", 3),
    ],
)
def test_numbers(text: str, lang: str, value: float) -> None:
    assert parse_number(text, lang) == value


def test_find_number_offsets_and_absence() -> None:
    text = "отмени напоминание номер семь"
    found = find_number(text, "ru")
    assert found is not None and text[found.start : found.end] == "семь"
    assert find_number("no digits here", "en") is None


VALUES: dict[str, dict[str, tuple[str, ...]]] = {
    "ru": {"movie": ("фильм", "кино"), "series": ("сериал",)},
    "en": {"movie": ("film",), "series": ("tv show",)},
}


def test_enum_fuzzy_matching() -> None:
    assert match_enum("фильмов", VALUES, "ru") == "movie"  # inflected
    assert match_enum("сериалы", VALUES, "ru") == "series"
    assert match_enum("movie", VALUES, "ru") == "movie"  # the canonical name itself
    assert match_enum("кот", VALUES, "ru") is None
    found = find_enum("some tv shows please", VALUES, "en")
    assert found is not None and found.value == "series" and (found.start, found.end) == (5, 13)


def test_dispatch_by_slot_type() -> None:
    text_slot = SlotSpec("what", SlotType.TEXT)
    assert parse_slot_value(text_slot, "  позвонить маме. ", RU) == "позвонить маме"
    assert parse_slot_value(SlotSpec("n", SlotType.NUMBER), "пять", RU) == 5
    enum_slot = SlotSpec("kind", SlotType.ENUM, values=VALUES)
    found = find_slot_value(enum_slot, "давай кино", RU)
    assert found is not None and found.value == "movie"
