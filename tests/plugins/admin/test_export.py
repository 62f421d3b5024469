"""/export: the interactions of a date range as CSV; bad dates get a clear answer."""

from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path

import pytest

from bot.config import Settings
from plugins.admin.dates import DateError, RangeError, parse_date, parse_range
from plugins.admin.export import COLUMNS
from tests.e2e.harness import Chat, running_sova
from tests.plugins.admin.helpers import ADMIN, actions, admin_settings
from tests.plugins.admin.history import local_day, seed_history


def read_csv(answer: str) -> list[dict[str, str]]:
    [path] = re.findall(r"\[document: (.+\.csv)\]", answer)
    assert Path(path).parent.name == "exports"
    raw = Path(path).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    with open(path, encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        return list(reader)


async def check_export(
    chat: Chat, moments: dict[str, datetime], *, said_before: tuple[str, ...] = ()
) -> None:
    """Run /export after ``seed_history`` (and the admin's ``said_before``); check the CSV."""
    answer = await chat.say("/export")  # the last 7 days, this very message included
    rows = read_csv(answer)
    texts = ["remind me", "привет", "'=1+1", *said_before, "/export"]
    assert f"{len(texts)} rows" in answer
    assert [r["text"] for r in rows] == texts
    reminder = rows[0]
    assert reminder["user_id"] == "2" and reminder["chat_id"] == "2"
    assert reminder["channel"] == "terminal" and reminder["lang"] == "en"
    assert reminder["intent"] == "set_reminder" and reminder["plugin"] == "smalltalk"
    assert reminder["confidence"] == "0.9" and reminder["outcome"] == "error"
    assert reminder["error"] == "RuntimeError: boom"
    assert reminder["latency_total_ms"] == "130.0"
    assert reminder["time"].endswith("+03:00")  # the admin's zone, Europe/Moscow
    assert rows[-1]["outcome"] == "" and rows[-1]["user_id"] == str(ADMIN)

    old = local_day(moments["ten_days_ago"])
    answer = await chat.say(f"/export {old} {old}")
    assert [r["text"] for r in read_csv(answer)] == ["old news"]


async def test_export_csv(settings: Settings) -> None:
    async with running_sova(settings, user_id=ADMIN) as chat:
        await check_export(chat, await seed_history(chat.app.db))
        audit = await actions(chat.app.db, ["export."])
    assert [a for a, _ in audit] == ["export.interactions"] * 2


async def test_export_bad_dates(settings: Settings) -> None:
    async with running_sova(settings, user_id=ADMIN) as chat:
        bad = await chat.say("/export 31.02.2026")
        assert 'I don\'t understand the date "31.02.2026"' in bad
        assert "ends before it starts" in await chat.say("/export 22.11.2026 01.11.2026")
        assert "Usage: /export" in await chat.say("/export 1.1.2026 2.1.2026 3.1.2026")
        await chat.say("привет")  # from now on the admin is answered in Russian
        assert "Не понимаю дату «вчерашний»" in await chat.say("/export вчерашний")
        empty = await chat.say("/export 2020-01-01 2020-01-02")
        audit = await actions(chat.app.db, ["export."])
    assert "строк 0" in empty and "[document: " in empty
    assert len(audit) == 1


async def test_export_is_cut_at_the_limit(tmp_path: Path, nlu_cache: Path) -> None:
    settings = admin_settings(tmp_path, nlu_cache, export_max_rows="2")
    async with running_sova(settings, user_id=ADMIN) as chat:
        await seed_history(chat.app.db)
        answer = await chat.say("/export")
    assert "2 rows" in answer and "Cut at 2 rows (export_max_rows)" in answer
    assert [r["text"] for r in read_csv(answer)] == ["remind me", "привет"]


def test_date_formats() -> None:
    from datetime import date

    today = date(2026, 11, 22)
    for text in ("2026-11-01", "01.11.2026", "1.11.2026", "01.11.26", "01/11/2026"):
        assert parse_date(text, today) == date(2026, 11, 1), text
    assert parse_date("вчера", today) == date(2026, 11, 21)
    assert parse_range("", today) == (date(2026, 11, 16), today)
    assert parse_range("20.11.2026", today) == (date(2026, 11, 20), today)
    with pytest.raises(DateError):
        parse_date("2026-13-01", today)
    with pytest.raises(RangeError):
        parse_range("02.11.2026 01.11.2026", today)
