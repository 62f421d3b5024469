"""The report's picture: distributions per variant, means with intervals, and the bootstrap
distribution of each difference, as one portrait PNG.

Drawn with matplotlib's object API on the Agg canvas (no pyplot: global state, GUI
backends), in a worker thread, with large type for a phone screen. Per-user values are
shown up to their 99th percentile: one user with 40,000 game rounds would otherwise squash
everybody else into the first bar.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from plugins.abtest.analysis import Analysis
from plugins.abtest.report import Report

if TYPE_CHECKING:
    from matplotlib.axes import Axes

KEEP_CHARTS = 20
WIDTH_IN, HEIGHT_IN, DPI = 6.0, 9.0, 160  # 960 x 1440 px
COLORS = ("#3b7dd8", "#f29d38", "#4caf50", "#c2185b", "#7e57c2")
HISTOGRAM_BINS = 40


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """Texts on the picture, in the reader's language."""

    title: str
    distribution: str
    levels: str  # "Mean with interval" or "Conversion with interval"
    difference: str
    share: str
    points: str  # the unit of a difference of conversions: percentage points


async def render_report_chart(report: Report, labels: ChartLabels, folder: Path) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in report.title)[:40]
    path = folder / f"abtest-{safe}-{np.random.default_rng().integers(1 << 32):08x}.png"
    await asyncio.to_thread(_draw_and_prune, report, labels, path)
    return path


def _draw_and_prune(report: Report, labels: ChartLabels, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    _draw(report, labels, path)
    charts = sorted(path.parent.glob("abtest-*.png"), key=lambda p: p.stat().st_mtime)
    for old in charts[:-KEEP_CHARTS]:
        old.unlink(missing_ok=True)


def _draw(report: Report, labels: ChartLabels, path: Path) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(labels.title, fontsize=15)
    top, middle, bottom = figure.subplots(3, 1, height_ratios=[1.2, 0.8, 1.0])
    analysis = report.analysis
    if analysis.conversion:
        _draw_rates(top, report, labels)
    else:
        _draw_distributions(top, report, labels)
    _draw_levels(middle, analysis, labels)
    _draw_differences(bottom, analysis, labels)
    figure.savefig(path, format="png")


def _draw_distributions(ax: Axes, report: Report, labels: ChartLabels) -> None:
    groups = [g for g in report.samples.groups if g.n]
    everything = np.concatenate([g.values for g in groups]) if groups else np.zeros(1)
    low, high = float(everything.min()), float(np.percentile(everything, 99))
    if high <= low:
        high = low + 1.0
    integers = bool(np.all(everything == np.round(everything))) and high - low <= HISTOGRAM_BINS
    edges = (
        np.arange(low - 0.5, high + 1.5) if integers else np.linspace(low, high, HISTOGRAM_BINS)
    )
    bins = [float(edge) for edge in edges]
    for i, group in enumerate(groups):
        shown = group.values[(group.values >= low) & (group.values <= high)]
        ax.hist(
            shown,
            bins=bins,
            weights=np.full(shown.size, 1.0 / max(group.n, 1)),
            histtype="step",
            linewidth=2,
            color=COLORS[i % len(COLORS)],
            label=f"{group.name} (n={group.n})",
        )
    ax.set_title(labels.distribution, fontsize=14)
    ax.set_ylabel(labels.share, fontsize=12)
    ax.tick_params(labelsize=11)
    ax.legend(fontsize=11)
    ax.grid(alpha=0.3)


def _draw_rates(ax: Axes, report: Report, labels: ChartLabels) -> None:
    variants = report.analysis.variants
    rates = [v.mean * 100 if math.isfinite(v.mean) else 0.0 for v in variants]
    colors = [COLORS[i % len(COLORS)] for i in range(len(variants))]
    ax.bar(range(len(variants)), rates, color=colors, alpha=0.8)
    for x, rate in enumerate(rates):
        ax.annotate(f"{rate:.1f}%", (x, rate), ha="center", va="bottom", fontsize=12)
    ax.set_xticks(range(len(variants)), [f"{v.name}\nn={v.n}" for v in variants], fontsize=11)
    ax.set_ylabel("%", fontsize=12)
    ax.set_ylim(0, max([*rates, 1.0]) * 1.25)
    ax.set_title(labels.distribution, fontsize=14)
    ax.grid(axis="y", alpha=0.3)


def _draw_levels(ax: Axes, analysis: Analysis, labels: ChartLabels) -> None:
    scale = 100.0 if analysis.conversion else 1.0
    for i, v in enumerate(analysis.variants):
        if not math.isfinite(v.mean):
            continue
        low = v.ci.low if math.isfinite(v.ci.low) else v.mean
        high = v.ci.high if math.isfinite(v.ci.high) else v.mean
        ax.errorbar(
            v.mean * scale,
            i,
            # max(0, ...): an interval of zero width may round to a hair below the mean.
            xerr=[[max(0.0, v.mean - low) * scale], [max(0.0, high - v.mean) * scale]],
            fmt="o",
            markersize=9,
            capsize=8,
            linewidth=2.5,
            color=COLORS[i % len(COLORS)],
        )
    ax.set_yticks(range(len(analysis.variants)), [v.name for v in analysis.variants], fontsize=12)
    ax.set_ylim(-0.6, len(analysis.variants) - 0.4)
    ax.invert_yaxis()
    ax.set_title(labels.levels, fontsize=14)
    ax.tick_params(axis="x", labelsize=11)
    ax.grid(axis="x", alpha=0.3)


def _draw_differences(ax: Axes, analysis: Analysis, labels: ChartLabels) -> None:
    scale = 100.0 if analysis.conversion else 1.0
    for i, c in enumerate(analysis.comparisons, start=1):
        color = COLORS[i % len(COLORS)]
        replicates = c.replicates * scale
        if replicates.size:
            ax.hist(replicates, bins=HISTOGRAM_BINS, density=True, alpha=0.45, color=color,
                    label=c.variant)  # fmt: skip
        if math.isfinite(c.difference_ci.low):
            ax.axvspan(c.difference_ci.low * scale, c.difference_ci.high * scale, color=color,
                       alpha=0.12)  # fmt: skip
        if math.isfinite(c.difference):
            ax.axvline(c.difference * scale, color=color, linewidth=2)
    ax.axvline(0.0, color="black", linewidth=1.5, linestyle="--")
    ax.set_title(labels.difference, fontsize=14)
    ax.set_yticks([])
    ax.tick_params(axis="x", labelsize=11)
    if analysis.conversion:
        ax.set_xlabel(labels.points, fontsize=12)
    if any(c.replicates.size for c in analysis.comparisons):
        ax.legend(fontsize=11)
    ax.grid(axis="x", alpha=0.3)
