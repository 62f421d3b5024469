"""The /stats picture: messages per day and latency per pipeline stage, as a PNG.

Drawn with matplotlib's object API on the Agg canvas, never ``pyplot``: pyplot keeps global
state and picks a GUI backend, and this runs in a worker thread of a server. Portrait and
large type, because it is read on a phone. matplotlib is imported when a chart is drawn, so
loading the plugin (every start of Sova) does not pay for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from plugins.admin.stats import Stats

if TYPE_CHECKING:
    from matplotlib.axes import Axes

KEEP_CHARTS = 20  # older PNGs in the charts folder are deleted
WIDTH_IN, HEIGHT_IN, DPI = 6.0, 8.0, 160  # 960 x 1280 px


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """Texts on the picture, in the admin's language."""

    messages_title: str
    latency_title: str
    p50: str
    p95: str
    no_data: str


async def render_stats_chart(stats: Stats, labels: ChartLabels, folder: Path) -> Path:
    path = folder / f"stats-{stats.at.strftime('%Y%m%d-%H%M%S-%f')}.png"
    await asyncio.to_thread(_draw_and_prune, stats, labels, path)
    return path


def _draw_and_prune(stats: Stats, labels: ChartLabels, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    _draw(stats, labels, path)
    _prune(path.parent)


def _draw(stats: Stats, labels: ChartLabels, path: Path) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    days_ax, latency_ax = figure.subplots(2, 1, height_ratios=[1, 1])
    _draw_days(days_ax, stats.per_day, labels)
    _draw_latency(latency_ax, stats, labels)
    figure.savefig(path, format="png")


def _draw_days(ax: Axes, per_day: Sequence[tuple[date, int]], labels: ChartLabels) -> None:
    from matplotlib.ticker import MaxNLocator

    names = [day.strftime("%d.%m") for day, _ in per_day]
    counts = [n for _, n in per_day]
    ax.bar(range(len(counts)), counts, color="#3b7dd8")
    ax.set_title(labels.messages_title, fontsize=15)
    ax.set_xticks(range(len(names)), names, rotation=60, fontsize=11)
    ax.tick_params(axis="y", labelsize=12)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    for x, n in enumerate(counts):
        if n:
            ax.annotate(str(n), (x, n), ha="center", va="bottom", fontsize=10)
    ax.set_ylim(0, max([*counts, 1]) * 1.15)
    ax.grid(axis="y", alpha=0.3)


def _draw_latency(ax: Axes, stats: Stats, labels: ChartLabels) -> None:
    ax.set_title(labels.latency_title, fontsize=15)
    if not stats.latency:
        ax.text(0.5, 0.5, labels.no_data, ha="center", va="center", fontsize=14)
        ax.set_axis_off()
        return
    stages = [s.stage for s in stats.latency]
    rows = range(len(stages))
    height = 0.4
    ax.barh([r - height / 2 for r in rows], [s.p50 for s in stats.latency], height,
            label=labels.p50, color="#3b7dd8")  # fmt: skip
    ax.barh([r + height / 2 for r in rows], [s.p95 for s in stats.latency], height,
            label=labels.p95, color="#f29d38")  # fmt: skip
    ax.set_yticks(list(rows), stages, fontsize=12)
    ax.invert_yaxis()  # pipeline order from the top
    ax.tick_params(axis="x", labelsize=12)
    # Below the axes: inside, it would cover the longest bars.
    ax.legend(fontsize=12, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=2)
    ax.grid(axis="x", alpha=0.3)


def _prune(folder: Path) -> None:
    charts = sorted(folder.glob("stats-*.png"))
    for old in charts[:-KEEP_CHARTS]:
        old.unlink(missing_ok=True)
