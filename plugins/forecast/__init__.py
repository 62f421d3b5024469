"""Forecasting: "спрогнозируй на 6 месяцев" with a CSV or Excel file → chart, summary, CSV.

A user sends a table (a date column and one or more value columns) and asks for a forecast,
in the file's caption or in a message after it (``ctx.document()`` finds the file sent within
the last hour). The file is read (``table.py``, ``numbers.py``, ``dates.py``), put on a
regular grid (``series.py``), forecast (``engine.py``: the average of ETS, Theta and CES by
default) and answered with a chart (``chart.py``), a summary (``summary.py``) and the forecast
as a CSV document (``export.py``). Any problem with the file is one precise reply
(``problems.py``).

Administrators ask for Sova's own load ("прогноз нагрузки на неделю": messages per hour or
per day from the interaction log, ``load.py``) and get a weekly report of forecast against
actual load (``report.py``), scheduled by ``[plugins.forecast] report_cron``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import numpy as np
from sqlalchemy import or_, select

from bot.events import OutboundReply
from bot.plugins import Context, Plugin, command, intent, job
from bot.storage import UserRow
from plugins.forecast.chart import ChartLabels, draw_chart
from plugins.forecast.config import ForecastConfig
from plugins.forecast.export import write_forecast_csv
from plugins.forecast.forecasting import (
    ForecastRequest,
    Limits,
    SeriesForecast,
    forecast_file,
    forecast_series,
)
from plugins.forecast.horizon import parse_horizon
from plugins.forecast.load import load_frequency, load_series, message_counts, window
from plugins.forecast.outputs import answer_folder, csv_name, forget_user_files
from plugins.forecast.problems import InputProblem
from plugins.forecast.report import build_report, report_text
from plugins.forecast.series import FREQUENCIES
from plugins.forecast.summary import summarise

log = logging.getLogger(__name__)

REPORT_JOB = "forecast.weekly_report"
MAX_TEXT = 3900  # Telegram allows 4096 characters per message
_LEVEL_IN_TEXT = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%")
LOAD_DEFAULT = timedelta(days=7)


class Forecasting(Plugin):
    name = "forecast"
    config_model = ForecastConfig
    documents = (".csv", ".tsv", ".xlsx", ".xlsm")

    @property
    def options(self) -> ForecastConfig:
        config = self.config
        assert isinstance(config, ForecastConfig)
        return config

    def _limits(self, *, backtest: bool = True) -> Limits:
        options = self.options
        return Limits(
            max_rows=options.max_rows,
            max_series=options.max_series,
            max_horizon=options.max_horizon,
            backtest_origins=options.backtest_origins if backtest else 0,
            max_history_points=options.max_history_points,
        )

    def _output_root(self) -> Path:
        return self.runtime.settings.data_path(Path("forecasts"))

    async def forget_user(self, user_id: int) -> None:
        """The charts and CSVs made from this user's files (nothing else is kept)."""
        await asyncio.to_thread(forget_user_files, self._output_root(), user_id)

    async def started(self) -> None:
        # Scheduled here rather than by @job(cron=...): the time comes from the config.
        if self.options.report_enabled:
            await self.runtime.scheduler.add_cron(
                REPORT_JOB, job_id=REPORT_JOB, cron=self.options.report_cron
            )
        else:
            await self.runtime.scheduler.cancel(REPORT_JOB)

    # -- a user's file ------------------------------------------------------------------------
    @intent("forecast_file")
    async def forecast_file_intent(
        self,
        ctx: Context,
        horizon: str | None = None,
        column: str | None = None,
        model: str | None = None,
        level: float | None = None,
    ) -> None:
        await self._forecast_upload(ctx, horizon, column, model, level)

    @command("forecast")
    async def forecast_command(self, ctx: Context, args: str) -> None:
        """Forecast the table you sent (CSV or Excel): /forecast 6 months"""
        await self._forecast_upload(ctx, args or None, None, None, None)

    async def _forecast_upload(
        self,
        ctx: Context,
        horizon: str | None,
        column: str | None,
        model: str | None,
        level: float | None,
    ) -> None:
        level = _requested_level(ctx, level)
        if level is not None and not 50 <= level <= 99:
            await ctx.reply(ctx.t("level_bad", level=f"{level:g}"))
            return
        levels = (round(level),) if level is not None else self.options.levels
        upload = await ctx.document()
        if upload is None:
            await ctx.reply(ctx.t("send_file_first"), speakable=False)
            return
        if len(upload.data) > self.options.max_file_mb * 2**20:
            await ctx.reply(ctx.t("file_too_big", limit=f"{self.options.max_file_mb:g}"))
            return
        request = ForecastRequest(
            horizon_text=horizon or ctx.message.text,
            column=column,
            method=model or self.options.method,
            levels=levels,
            now=ctx.now,
        )
        try:
            async with ctx.busy("upload_photo"):
                results = await asyncio.to_thread(
                    forecast_file, upload.data, upload.file_name, request, self._limits()
                )
        except InputProblem as problem:
            await ctx.reply(ctx.t(problem.key, **problem.values), speakable=False)
            return
        await self._answer(ctx, results, csv_name(upload.file_name))

    async def _answer(
        self, ctx: Context, results: Sequence[SeriesForecast], csv_file: str
    ) -> None:
        folder = answer_folder(self._output_root(), ctx.user_id)
        labels = ChartLabels(
            history=ctx.t("chart_history"),
            forecast=ctx.t("chart_forecast"),
            interval=ctx.t("chart_interval"),
            lang=ctx.lang,
        )
        chart, table = await asyncio.to_thread(
            lambda: (
                draw_chart(results, labels, folder / "forecast.png"),
                write_forecast_csv(results, folder / csv_file, lang=ctx.lang),
            )
        )
        names = ", ".join(r.series.name for r in results)
        await ctx.reply(ctx.t("chart_caption", columns=names), kind="photo", file_path=str(chart))
        text = "\n\n".join(summarise(r, ctx.t, ctx.lang) for r in results)
        await ctx.reply(_shorten(text), speakable=False)
        await ctx.reply(ctx.t("csv_caption"), kind="document", file_path=str(table))

    # -- Sova's own load (administrators) --------------------------------------------------------
    @intent("forecast_load")
    async def forecast_load(self, ctx: Context, horizon: str | None = None) -> None:
        if not ctx.is_admin:
            await ctx.reply(ctx.t("load_admins_only"))
            return
        span_days = self._load_horizon_days(ctx, horizon)
        frequency = load_frequency(timedelta(days=span_days))
        history = window(ctx.now, self.options.load_history_days, frequency, ctx.tz)
        dates, counts = await message_counts(self.runtime.db, history)
        series = load_series(ctx.t(f"load_series_{frequency.name}"), dates, counts, frequency)
        if len(series.dates) < 2 * frequency.season_length:
            await ctx.reply(ctx.t("load_too_little", messages=int(sum(counts))))
            return
        steps = round(span_days * (24 if frequency.name == "hour" else 1))
        request = ForecastRequest(horizon_text=f"{steps} {frequency.name}s", now=ctx.now,
                                  levels=self.options.levels)  # fmt: skip
        async with ctx.busy("upload_photo"):
            result = await asyncio.to_thread(
                forecast_series, series, request, self._limits(backtest=False)
            )
        await self._answer(ctx, [_non_negative(result)], "forecast_load.csv")

    def _load_horizon_days(self, ctx: Context, horizon: str | None) -> float:
        """The horizon in days ("на неделю" → 7), a week when none is named, at most 60."""
        text = horizon or ctx.message.text
        last = ctx.now.replace(tzinfo=None)
        found = parse_horizon(text, FREQUENCIES["hour"], last=last, now=last, max_steps=60 * 24)
        return found.steps / 24 if found else LOAD_DEFAULT.days

    # -- the weekly report ---------------------------------------------------------------------
    @job("weekly_report")
    async def weekly_report(self) -> None:
        """Send every administrator last week's load forecast against what happened."""
        tz = self.runtime.default_timezone
        report = await build_report(
            self.runtime.db,
            now=datetime.now(tz),
            tz=tz,
            history_days=self.options.load_history_days,
        )
        default_lang = self.runtime.settings.app.default_language
        for user_id, user_lang, channel in await self._admins():
            lang = user_lang or default_lang
            text = (
                report_text(report, partial(self.t, lang=lang), lang)
                if report
                else self.t("report_no_data", lang)
            )
            # An administrator's private chat with the bot has the user's id.
            await self.runtime.send(
                OutboundReply(
                    chat_id=user_id, user_id=user_id, lang=lang, channel=channel, text=text
                )
            )

    async def _admins(self) -> list[tuple[int, str | None, str]]:
        """(id, language, channel) of every administrator Sova has met: by role, or listed in
        ``[admin] users`` (one who never wrote has no channel to be reached on)."""
        configured = list(self.runtime.settings.admin.users)
        async with self.runtime.db.session() as session:
            rows = await session.execute(
                select(UserRow.id, UserRow.lang, UserRow.channel).where(
                    or_(UserRow.role == "admin", UserRow.id.in_(configured))
                )
            )
            return [(int(r.id), r.lang, str(r.channel)) for r in rows]


def _requested_level(ctx: Context, level: float | None) -> float | None:
    """The interval level the user named: the slot, else a percentage in the message (the
    tagger may miss "95%" in a long caption)."""
    if level is not None:
        return level
    found = _LEVEL_IN_TEXT.search(ctx.message.text)
    return float(found.group(1).replace(",", ".")) if found else None


def _non_negative(result: SeriesForecast) -> SeriesForecast:
    """Message counts cannot go below zero; neither may their forecast or its bounds."""
    fc = result.forecast
    clipped = replace(
        fc,
        mean=np.clip(fc.mean, 0, None),
        bounds={
            lv: (np.clip(lo, 0, None), np.clip(hi, 0, None)) for lv, (lo, hi) in fc.bounds.items()
        },
    )
    return SeriesForecast(result.series, clipped, result.dates, result.horizon, result.backtest)


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1].rstrip() + "…"
