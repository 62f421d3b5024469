"""The full table behind a report, as CSV for analysts: every metric, every variant, every
number at full precision (the chat message rounds them for reading)."""

from __future__ import annotations

import asyncio
import csv
import io
import math
from pathlib import Path

import numpy as np

from plugins.abtest.analysis import Analysis
from plugins.abtest.report import Report

KEEP_TABLES = 20
COLUMNS = (
    "metric", "role", "variant", "is_control", "assigned", "n", "mean", "sd", "ci_low",
    "ci_high", "difference", "difference_ci_low", "difference_ci_high", "lift", "lift_ci_low",
    "lift_ci_high", "welch_p", "mann_whitney_p", "z_test_p", "power", "required_n",
    "planned_n", "alpha", "confidence", "cuped_variance_reduction", "srm_p", "verdict",
    "winner",
)  # fmt: skip


def table_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    analyses = [("primary", report.metric, report.analysis)]
    analyses += [("guardrail", name, a) for name, a in report.guardrails.items()]
    for role, metric, analysis in analyses:
        for row in _rows(report, role, metric, analysis):
            writer.writerow(row)
    return out.getvalue()


def _rows(report: Report, role: str, metric: str, a: Analysis) -> list[list[object]]:
    compared = {c.variant: c for c in a.comparisons}
    rows = []
    for i, v in enumerate(a.variants):
        c = compared.get(v.name)
        rows.append([
            metric, role, v.name, int(i == 0), v.assigned, v.n, _f(v.mean), _f(v.sd),
            _f(v.ci.low), _f(v.ci.high),
            _f(c.difference) if c else "", _f(c.difference_ci.low) if c else "",
            _f(c.difference_ci.high) if c else "", _f(c.lift) if c else "",
            _f(c.lift_ci.low) if c else "", _f(c.lift_ci.high) if c else "",
            _f(c.welch_p) if c else "", _f(c.mann_whitney_p) if c else "",
            _f(c.z_test_p) if c else "", _f(c.power) if c else "",
            (c.required_n or "") if c else "", a.planned_n or "", _f(a.alpha),
            _f(a.confidence),
            _f(a.cuped_variance_reduction) if a.cuped_variance_reduction is not None else "",
            _f(a.srm_p), report.decision.verdict.value, report.decision.winner or "",
        ])  # fmt: skip
    return rows


def _f(x: float) -> str:
    return "" if not math.isfinite(x) else repr(float(x))


async def write_table(title: str, text: str, folder: Path) -> Path:
    """Save a table (``table_csv``) as a file to send; old ones are pruned."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in title)[:40]
    path = folder / f"abtest-{safe}-{np.random.default_rng().integers(1 << 32):08x}.csv"
    await asyncio.to_thread(_write_and_prune, path, text)
    return path


def _write_and_prune(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    tables = sorted(path.parent.glob("abtest-*.csv"), key=lambda p: p.stat().st_mtime)
    for old in tables[:-KEEP_TABLES]:
        old.unlink(missing_ok=True)
