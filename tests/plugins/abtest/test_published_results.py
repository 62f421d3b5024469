"""Cookie Cats (gate_30 vs gate_40, 90,189 players): the published p-values, through the same
path an analyst's CSV takes (``read_samples`` → ``analyse``).

- Mann-Whitney U on sum_game_rounds, players with 0 rounds and the one with over 40,000
  removed: p = 0.1177 (0.117667).
- Day-7 retention, unfiltered, z-test for two proportions: p = 0.00155425.
Both must also equal a direct scipy/statsmodels call to 1e-9. The data is read from
../shared/data (never copied into the repository); without it the tests are skipped.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd  # type: ignore[import-untyped, unused-ignore]
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest  # type: ignore[import-untyped, unused-ignore]

from plugins.abtest.analysis import AnalysisOptions, analyse
from plugins.abtest.csv_input import read_samples

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "ab_cookie_cats"
COOKIE_CATS = DATA / "cookie_cats.csv"

pytestmark = pytest.mark.skipif(
    not COOKIE_CATS.exists(), reason=f"{COOKIE_CATS} is absent (public data, not in the repo)"
)


@pytest.fixture(scope="module")
def players() -> pd.DataFrame:
    return pd.read_csv(COOKIE_CATS)


def _as_csv(frame: pd.DataFrame, value: str) -> bytes:
    out = io.StringIO()
    frame[["version", value]].rename(columns={"version": "group", value: "value"}).to_csv(
        out, index=False
    )
    return out.getvalue().encode()


def test_mann_whitney_on_game_rounds(players: pd.DataFrame) -> None:
    kept = players[(players.sum_game_rounds > 0) & (players.sum_game_rounds <= 40_000)]
    assert len(players) - len(kept) == (players.sum_game_rounds == 0).sum() + 1

    samples = read_samples(_as_csv(kept, "sum_game_rounds"))
    assert [g.name for g in samples.groups] == ["gate_30", "gate_40"]
    assert not samples.is_conversion
    analysis = analyse(samples, AnalysisOptions(resamples=200))

    p = analysis.comparisons[0].mann_whitney_p
    assert round(p, 4) == 0.1177
    assert round(p, 6) == 0.117667
    a = kept.sum_game_rounds[kept.version == "gate_30"].to_numpy(dtype=float)
    b = kept.sum_game_rounds[kept.version == "gate_40"].to_numpy(dtype=float)
    direct = stats.mannwhitneyu(a, b, alternative="two-sided").pvalue
    assert abs(p - direct) < 1e-9


def test_day_7_retention_z_test(players: pd.DataFrame) -> None:
    samples = read_samples(_as_csv(players, "retention_7"))  # True/False in the file
    assert samples.is_conversion
    assert [g.n for g in samples.groups] == [44_700, 45_489]
    analysis = analyse(samples, AnalysisOptions(resamples=200))

    comparison = analysis.comparisons[0]
    assert round(comparison.z_test_p, 8) == 0.00155425
    assert comparison.p == comparison.z_test_p  # the z-test decides for conversions
    successes = [
        int(players.retention_7[players.version == v].sum()) for v in ("gate_40", "gate_30")
    ]
    users = [int((players.version == v).sum()) for v in ("gate_40", "gate_30")]
    _, direct = proportions_ztest(successes, users)
    assert abs(comparison.z_test_p - float(direct)) < 1e-9
    # The published conclusion: gate_40 keeps fewer players on day 7.
    assert comparison.difference < 0 and comparison.significant
    assert np.isclose(analysis.variants[0].mean, successes[1] / users[1])
