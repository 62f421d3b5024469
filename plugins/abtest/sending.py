"""Sending a report: the message (with a button for the CSV table), then the chart.

Replies go through a ``ctx.reply``-shaped callable, so a handler (``ctx.reply``) and the daily
job (a reply to an administrator's chat) send reports the same way. Reports are never turned
into voice notes: a table of p-values is not something to listen to.
"""

from __future__ import annotations

import logging
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.events import Button
from plugins.abtest import numbers
from plugins.abtest.chart import ChartLabels, render_report_chart
from plugins.abtest.report import Report
from plugins.abtest.report_table import table_csv
from plugins.abtest.report_text import ReportWriter, Translate

log = logging.getLogger(__name__)

RECENT_REPORTS = 50


class Reply(Protocol):
    def __call__(
        self,
        text: str = "",
        *,
        buttons: Sequence[Sequence[Button]] = (),
        kind: str = "text",
        file_path: str | None = None,
        speakable: bool = True,
    ) -> Awaitable[int]: ...


class ReportSender:
    def __init__(self, charts: Path, *, pre_days: int) -> None:
        self.charts = charts
        self.pre_days = pre_days

    async def send(
        self, report: Report, reply: Reply, t: Translate, lang: str, csv_button: Button | None
    ) -> None:
        text = ReportWriter(t, lang, pre_days=self.pre_days).write(report)
        buttons = [[csv_button]] if csv_button is not None else []
        await reply(text, buttons=buttons, speakable=False)
        labels = chart_labels(report, t, lang)
        try:
            path = await render_report_chart(report, labels, self.charts)
        except Exception:
            # The numbers are the substance; a missing picture must not turn into an apology.
            log.exception("abtest chart for %s failed", report.title)
            await reply(t("chart_failed"), speakable=False)
            return
        caption = t(
            "chart_caption",
            title=report.title,
            confidence=numbers.level(report.analysis.confidence, lang),
        )
        await reply(caption, kind="photo", file_path=str(path), speakable=False)


def chart_labels(report: Report, t: Callable[..., str], lang: str) -> ChartLabels:
    writer = ReportWriter(t, lang)
    analysis = report.analysis
    return ChartLabels(
        title=f"{report.title} — {writer.metric_name(report)}",
        distribution=t("chart_distribution"),
        levels=t("chart_rates" if analysis.conversion else "chart_means"),
        difference=t("chart_difference", control=analysis.variants[0].name),
        share=t("chart_share"),
        points=t("pp"),
    )


@dataclass(frozen=True, slots=True)
class StoredTable:
    title: str
    text: str  # the report's full table as CSV


class RecentTables:
    """Full tables of reports made from uploaded files, kept so "CSV table" can be pressed
    later. The table, not the report: a report holds every user's values (a million rows is
    16 MB), the table a few lines."""

    def __init__(self, size: int = RECENT_REPORTS) -> None:
        self._size = size
        self._tables: OrderedDict[str, StoredTable] = OrderedDict()

    def add(self, report: Report) -> str:
        # Random, not a counter: a button from before a restart must not find a new table.
        token = secrets.token_hex(4)
        self._tables[token] = StoredTable(report.title, table_csv(report))
        while len(self._tables) > self._size:
            self._tables.popitem(last=False)
        return token

    def get(self, token: str) -> StoredTable | None:
        return self._tables.get(token)
