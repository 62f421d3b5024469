"""Forecasting through the real aiogram client and the local Bot API emulator: a CSV with the
caption "forecast the next 12 months" comes back as a chart, a summary and a CSV document; a
file sent first and asked about after; a broken file answered with the row at fault."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.app import Sova
from bot.channels.emulator import ANNA_USER_ID, BORIS_USER_ID, EmulatorServer
from bot.launch import telegram_channel
from tests.e2e.harness import make_settings
from tests.e2e.people import text_of
from tests.plugins.forecast.samples import csv_of, seasonal_trend, trend_csv


@asynccontextmanager
async def forecast_sova(tmp_path: Path, nlu_cache: Path) -> AsyncIterator[EmulatorServer]:
    settings = make_settings(
        tmp_path,
        db_url=f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}",
        nlu_cache=nlu_cache,
        plugins=("smalltalk", "account", "forecast"),
    )
    async with EmulatorServer(data_dir=tmp_path / "emulator") as emulator:
        channel = telegram_channel(settings, token=emulator.token, api_url=emulator.url)
        async with Sova(settings, [channel]):
            yield emulator


def _file(emulator: EmulatorServer, file_id: str) -> bytes:
    stored = emulator.state.files.get(file_id)
    assert stored is not None
    return emulator.state.files.read(stored)


async def _next(emulator: EmulatorServer, user: int, after: int, key: str) -> dict[str, Any]:
    return await emulator.wait_for_bot_message(
        user, lambda m: key in m, timeout=30, after_message_id=after
    )


async def test_csv_with_a_caption_gets_chart_summary_and_csv(
    tmp_path: Path, nlu_cache: Path
) -> None:
    async with forecast_sova(tmp_path, nlu_cache) as emulator:
        emulator.user_sends_document(
            BORIS_USER_ID, trend_csv(2.0), "sales.csv", caption="forecast the next 12 months"
        )
        photo = await _next(emulator, BORIS_USER_ID, 0, "photo")
        assert text_of(photo) == "Forecast: sales"
        png = _file(emulator, photo["photo"][-1]["file_id"])
        assert png.startswith(b"\x89PNG")

        summary = await _next(emulator, BORIS_USER_ID, photo["message_id"], "text")
        text = text_of(summary)
        assert "forecast for 12 months ahead (Jan 2024 – Dec 2024)" in text
        assert "Trend: rising" in text and "Seasonality: strong" in text
        # A clean season on a trend: the backtest shows ETS exact and uses it alone.
        assert "Model: ETS(A,A,A), chosen by the check on your data" in text

        document = await _next(emulator, BORIS_USER_ID, summary["message_id"], "document")
        assert document["document"]["file_name"] == "forecast_sales.csv"
        rows = list(
            csv.reader(io.StringIO(_file(emulator, document["document"]["file_id"]).decode()))
        )
        assert rows[0][:3] == ["date", "series", "forecast"]
        assert [r[0] for r in rows[1:]][:2] == ["2024-01-01", "2024-02-01"] and len(rows) == 13
        truth = seasonal_trend(60, slope=2.0)[48:]
        assert max(abs(float(r[2]) - v) for r, v in zip(rows[1:], truth, strict=True)) < 0.1


async def test_file_first_then_the_request_and_a_bad_cell(tmp_path: Path, nlu_cache: Path) -> None:
    async with forecast_sova(tmp_path, nlu_cache) as emulator:
        # A file without a caption, then the request in Russian: the recent file is used.
        emulator.user_sends_document(ANNA_USER_ID, trend_csv(1.0), "продажи.csv")
        hint = await emulator.wait_for_bot_message(ANNA_USER_ID, timeout=15)
        assert "спрогнозируй на 6 месяцев" in text_of(hint)
        last = hint["message_id"]
        emulator.user_sends_text(ANNA_USER_ID, "спрогнозируй на полгода")
        summary = await emulator.wait_for_bot_message(
            ANNA_USER_ID, lambda m: "📈" in text_of(m), timeout=30, after_message_id=last
        )
        assert "прогноз на 6 месяцев вперёд (январь 2024 – июнь 2024)" in text_of(summary)
        document = await _next(emulator, ANNA_USER_ID, summary["message_id"], "document")
        assert document["document"]["file_name"] == "forecast_продажи.csv"

        # A broken number: the row and column are named, nothing else is sent.
        last = document["message_id"]
        broken = csv_of(
            "date,sales", ["2024-01-01,1", "2024-02-01,2", "2024-03-01,три", "2024-04-01,4"]
        )
        emulator.user_sends_document(
            ANNA_USER_ID, broken, "b.csv", caption="спрогнозируй на 3 месяца"
        )
        reply = await emulator.wait_for_bot_message(
            ANNA_USER_ID, timeout=30, after_message_id=last
        )
        assert "Строка 4, столбец «sales»: «три» — не число" in text_of(reply)
