"""A/B test reports at scale: the statistics of one report on a CSV file and on the SQL store.

- CSV path: ``--data FILE`` (columns group, value[, pre]) is read exactly as the abtest plugin
  reads an analyst's upload (``read_samples``) and analysed as it answers it
  (``samples_report``: Welch, Mann-Whitney U, z-test for 0/1 values, bootstrap intervals for
  the difference and the lift, SRM, power, CUPED when ``pre`` is there).
- SQL path: ``--sql --users N`` builds a SQLite store (or ``--db-url``) with N users exposed to
  an experiment, their messages after and before exposure, and measures the declared metric
  "messages per user" with CUPED as ``/ab report`` does (``experiment_report``).
- ``--generate FILE --rows N`` writes a synthetic CSV (two groups, a planted lift, optionally a
  correlated pre-period column or 0/1 values) to feed the CSV path.

    python -m bench.abtest --generate bench/out/ab_1m.csv --rows 1000000 --pre
    python -m bench.abtest --data bench/out/ab_1m.csv --out bench/out/abtest.json
    python -m bench.abtest --sql --users 1000000 --out bench/out/abtest_sql.json

JSON: {"variants": {name: {"n", "mean", "ci"}}, "welch_p", "mannwhitney_p", "ztest_p" (0/1
values only, else null), "srm_p", "seconds" (the statistics, bootstrap included),
"load_seconds" (CSV parsing or the SQL query), "total_seconds", "difference", "lift" (each
{"estimate", "ci"}), "power", "required_n", "cuped_variance_reduction", "verdict", "rows",
"resamples", "path"}. Target: "seconds" under 3 for 1,000,000 rows.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert

from bench.output import write_json
from bot.storage import Database, MessageRow
from plugins.abtest.assignment import Variant, assign
from plugins.abtest.config import AbtestConfig
from plugins.abtest.csv_input import read_samples
from plugins.abtest.records import Design
from plugins.abtest.report import Report, experiment_report, samples_report
from plugins.abtest.store import ExperimentStore
from plugins.abtest.tables import ExposureRow

CHUNK = 50_000
BENCH_EXPERIMENT = "bench"


def generate_csv(
    path: Path, rows: int, *, pre: bool, conversion: bool, lift: float, seed: int
) -> None:
    """Two groups of about rows/2 users; the treatment's mean is ``1 + lift`` times the
    control's. Values: messages-like counts (Poisson around a per-user rate that the pre-period
    shares), or 0/1 conversions at 10 %."""
    rng = np.random.default_rng(seed)
    treated = rng.random(rows) < 0.5
    if conversion:
        rate = np.where(treated, 0.10 * (1 + lift), 0.10)
        values = (rng.random(rows) < rate).astype(np.int64)
        before = (rng.random(rows) < 0.5 * rate + 0.05).astype(np.int64)
    else:
        appetite = rng.gamma(2.0, 2.5, rows)  # users differ; the pre-period sees the same
        values = rng.poisson(appetite * np.where(treated, 1 + lift, 1.0))
        before = rng.poisson(appetite)
    groups = np.where(treated, "treatment", "control")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write("group,value,pre\n" if pre else "group,value\n")
        for start in range(0, rows, CHUNK):
            part = slice(start, start + CHUNK)
            if pre:
                lines = (
                    f"{g},{v},{b}\n"
                    for g, v, b in zip(groups[part], values[part], before[part], strict=True)
                )
            else:
                lines = (f"{g},{v}\n" for g, v in zip(groups[part], values[part], strict=True))
            out.writelines(lines)


def numbers(report: Report) -> dict[str, Any]:
    """The report's numbers under the benchmark's JSON keys."""
    a = report.analysis
    c = a.comparisons[0]
    return {
        "variants": {
            v.name: {"n": v.n, "mean": _f(v.mean), "ci": [_f(v.ci.low), _f(v.ci.high)]}
            for v in a.variants
        },
        "welch_p": _f(c.welch_p),
        "mannwhitney_p": _f(c.mann_whitney_p),
        "ztest_p": _f(c.z_test_p) if a.conversion else None,
        "srm_p": _f(a.srm_p),
        "seconds": round(report.seconds, 3),
        "difference": {
            "estimate": _f(c.difference),
            "ci": [_f(c.difference_ci.low), _f(c.difference_ci.high)],
        },
        "lift": {"estimate": _f(c.lift), "ci": [_f(c.lift_ci.low), _f(c.lift_ci.high)]},
        "power": _f(c.power),
        "required_n": c.required_n,
        "cuped_variance_reduction": _f(a.cuped_variance_reduction)
        if a.cuped_variance_reduction is not None
        else None,
        "verdict": report.decision.verdict.value,
        "rows": sum(v.n for v in a.variants),
        "resamples": a.options.resamples,
    }


def _f(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def run_csv(path: Path, config: AbtestConfig) -> dict[str, Any]:
    started = time.perf_counter()
    samples = read_samples(path.read_bytes())
    loaded = time.perf_counter()
    report = samples_report(samples, config.analysis_options(), title=path.name)
    return {
        **numbers(report),
        "load_seconds": round(loaded - started, 3),
        "total_seconds": round(time.perf_counter() - started, 3),
        "path": "csv",
        "data": str(path),
    }


async def run_sql(
    users: int, db_url: str | None, config: AbtestConfig, seed: int
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(db_url or f"sqlite:///{Path(tmp) / 'abtest_bench.db'}")
        try:
            await db.upgrade()
            store = ExperimentStore(db)
            # A store filled by an earlier run (--db-url) is measured again, not refilled.
            experiment = await store.by_name(BENCH_EXPERIMENT) or await _populate(
                db, store, users, seed
            )
            started = time.perf_counter()
            report, _ = await experiment_report(
                db, store, experiment, config, now=datetime.now(UTC)
            )
            total = time.perf_counter() - started
        finally:
            await db.dispose()
    return {
        **numbers(report),
        "load_seconds": round(total - report.seconds, 3),
        "total_seconds": round(total, 3),
        "path": "sql",
        "backend": "postgresql" if db_url and db_url.startswith("postgres") else "sqlite",
    }


async def _populate(db: Database, store: ExperimentStore, users: int, seed: int) -> Any:
    """Users exposed 8 days ago; messages in the 7 days after (the treatment sends 3 % more)
    and in the 14 days before (the same users' appetite: CUPED's covariate)."""
    design = Design(
        name=BENCH_EXPERIMENT,
        parameter="bench.style",
        variants=(Variant("a", 1), Variant("b", 1)),
        primary_metric="messages",
        guardrails=(),
        mde=0.03,
    )
    experiment = await store.create(design, created_by=0)
    rng = np.random.default_rng(seed)
    exposed_at = datetime.now(UTC) - timedelta(days=8)
    appetite = rng.gamma(2.0, 0.5, users)
    event = 0
    for start in range(1, users + 1, CHUNK):
        ids = range(start, min(start + CHUNK, users + 1))
        variants = [assign(experiment.salt, u, design.variants) for u in ids]
        exposures = [
            {"experiment_id": experiment.id, "user_id": u, "variant": v, "exposed_at": exposed_at}
            for u, v in zip(ids, variants, strict=True)
        ]
        messages = []
        for u, v in zip(ids, variants, strict=True):
            rate = appetite[u - 1]
            after = rng.poisson(rate * (1.03 if v == "b" else 1.0))
            before = rng.poisson(rate)
            for k in range(after + before):
                event += 1
                offset = timedelta(hours=1 + 24 * 7 * rng.random())
                messages.append({
                    "event_id": f"b{event}", "trace_id": f"b{event}", "channel": "bench",
                    "chat_id": u, "user_id": u, "kind": "text", "text": "hi",
                    "created_at": exposed_at + offset if k < after else exposed_at - 2 * offset,
                })  # fmt: skip
        async with db.session() as session:
            await session.execute(insert(ExposureRow), exposures)
            if messages:
                await session.execute(insert(MessageRow), messages)
        print(f"  stored {ids[-1]:,} of {users:,} users", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    return experiment


def print_table(result: dict[str, Any]) -> None:
    print(f"{'variant':<12}{'n':>10}{'mean':>12}{'95% CI':>26}")
    for name, v in result["variants"].items():
        ci = f"[{v['ci'][0]:.4g}; {v['ci'][1]:.4g}]"
        print(f"{name:<12}{v['n']:>10,}{v['mean']:>12.4g}{ci:>26}")
    d, lift = result["difference"], result["lift"]
    print(f"difference {d['estimate']:.4g} [{d['ci'][0]:.4g}; {d['ci'][1]:.4g}], "
          f"lift {lift['estimate']:.2%} [{lift['ci'][0]:.2%}; {lift['ci'][1]:.2%}]")  # fmt: skip
    ztest = "—" if result["ztest_p"] is None else f"{result['ztest_p']:.3g}"
    print(f"p: Welch {result['welch_p']:.3g}  Mann-Whitney {result['mannwhitney_p']:.3g}  "
          f"z-test {ztest}  SRM {result['srm_p']:.3g}")  # fmt: skip
    reduction = result["cuped_variance_reduction"]
    cuped = "not applied" if reduction is None else f"variance −{reduction:.0%}"
    print(f"power {result['power']:.2f}, required n {result['required_n']}, CUPED {cuped}, "
          f"verdict {result['verdict']}")  # fmt: skip
    print(f"{result['path']} path, {result['rows']:,} rows: statistics {result['seconds']} s "
          f"(bootstrap {result['resamples']} resamples), load {result['load_seconds']} s, "
          f"total {result['total_seconds']} s")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="CSV with columns group,value[,pre]")
    parser.add_argument("--out", type=Path, help="write the JSON here")
    parser.add_argument("--generate", type=Path, help="write a synthetic CSV here and stop")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of --generate")
    parser.add_argument("--pre", action="store_true", help="--generate a pre column too")
    parser.add_argument("--conversion", action="store_true", help="--generate 0/1 values")
    parser.add_argument("--lift", type=float, default=0.02, help="planted relative lift")
    parser.add_argument("--sql", action="store_true", help="time the SQL path instead")
    parser.add_argument("--users", type=int, default=1_000_000, help="users of --sql")
    parser.add_argument(
        "--db-url", help="--sql on this database (default: a temp SQLite); filled once, reused"
    )
    parser.add_argument("--resamples", type=int, default=2000, help="bootstrap replicates")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    config = AbtestConfig(bootstrap_resamples=args.resamples)
    if args.generate:
        generate_csv(
            args.generate, args.rows, pre=args.pre, conversion=args.conversion, lift=args.lift,
            seed=args.seed,
        )  # fmt: skip
        print(f"wrote {args.rows:,} rows to {args.generate}")
        return 0
    if args.sql:
        result = asyncio.run(run_sql(args.users, args.db_url, config, args.seed))
    elif args.data:
        if not args.data.exists():
            print(f"{args.data} does not exist; make one with --generate", file=sys.stderr)
            return 2
        result = run_csv(args.data, config)
    else:
        parser.error("give --data FILE, --sql or --generate FILE")
    print_table(result)
    if args.out:
        write_json(args.out, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
