"""Recent popularity blended into the model's scores, and the choice of the blend's settings
on held-out interactions."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from plugins.recommend.algorithms.ease import Ease, FittedEase, gram_of, symmetric_inverse
from plugins.recommend.blend import Blend, BlendedModel, scaled
from plugins.recommend.matrix import Flat, user_rows
from plugins.recommend.synthetic import SyntheticOptions, generate
from plugins.recommend.timeline import TimedHistory, Timeline
from plugins.recommend.tuning import MIN_USERS, _Fitter, choose, fit_blended

DAY = 86_400.0


def test_recent_counts_cover_the_window_up_to_each_anchor() -> None:
    timeline = Timeline.of(
        [[(0, 1.0, 1 * DAY), (1, 1.0, 5 * DAY)], [(1, 1.0, 6 * DAY), (2, 1.0, 9 * DAY)]], 3
    )
    counts = timeline.recent_counts(np.array([6 * DAY, 9 * DAY, 0.5 * DAY]), 2 * DAY)
    assert counts.tolist() == [[0, 2, 0], [0, 0, 1], [0, 0, 0]]
    assert timeline.span == 8 * DAY
    assert not timeline.recent_counts(np.array([9 * DAY]), 0).any()


def test_scaled_divides_by_the_best_item_the_user_has_not_met() -> None:
    rows = sp.csr_matrix(np.array([[1, 0, 0], [0, 0, 0], [1, 1, 1]], dtype=np.float32))
    scores = np.array([[10, 4, 2], [-1, -2, -3], [5, 5, 5]], dtype=np.float32)
    out = scaled(scores, rows)
    assert out[0].tolist() == [2.5, 1.0, 0.5]  # met item 0 is not the yardstick
    assert out[1].tolist() == [0, 0, 0]  # nothing positive: says nothing
    assert out[2].tolist() == [0, 0, 0]  # met everything


def _popular_in_turn(users: int = 120, items: int = 40, seed: int = 0) -> list[TimedHistory]:
    """Every day one item is "the hit": each user's last pick is the hit of their last day,
    their earlier picks are random. Only recent popularity can predict the last pick."""
    rng = np.random.default_rng(seed)
    histories = []
    for u in range(users):
        day = float(10 + u % 50)
        picks = [int(i) for i in rng.choice(items - 10, size=6, replace=False) + 10]
        history = [(i, 1.0, (day - 6 + n + 0.1) * DAY + u) for n, i in enumerate(picks)]
        history.append((int(day) % 10, 1.0, (day + 0.9) * DAY + u))
        histories.append(history)
    return histories


def test_recent_popularity_ranks_the_hit_of_the_users_day_first() -> None:
    histories = _popular_in_turn()
    model, _ = fit_blended(
        Ease(), histories, 40, defaults=Blend(trend_weight=1.0, trend_window=0.01), tune=False
    )
    someone = [(20, 1.0, 33.5 * DAY), (21, 1.0, 33.95 * DAY)]
    hit = 33 % 10
    parts = model.parts([someone])
    assert int(np.argmax(parts.trend[0])) == hit and parts.weight == 1.0

    def rank(scores: np.ndarray) -> int:
        return int((scores > scores[hit]).sum())

    assert rank(parts.total[0]) < rank(parts.model[0])
    without = BlendedModel(model.model, model.timeline, Blend(trend_weight=0.0))
    assert np.array_equal(without.parts([someone]).total, parts.model)
    # A request's own time overrides the user's last interaction, within the timeline.
    later = model.parts([someone], at=35.95 * DAY)
    assert int(np.argmax(later.trend[0])) == 35 % 10
    beyond = model.parts([someone], at=1e12)
    assert int(np.argmax(beyond.trend[0])) == 59 % 10  # the timeline's last day


def test_tuning_turns_recent_popularity_up_where_it_clearly_predicts() -> None:
    # Picks that follow what is popular at the time (the benchmark's --drift data).
    options = SyntheticOptions(n_users=300, n_items=300, mean_interactions=40, drift=True, seed=3)
    histories: dict[int, list[tuple[int, float, float]]] = {}
    for user, item, _, at in sorted(generate(options), key=lambda row: row[3]):
        histories.setdefault(user, []).append((item, 1.0, at))
    defaults = Blend(half_life=20, trend_weight=0.0, trend_window=0.02)
    choice = choose(Ease(), list(histories.values()), 300, defaults)
    assert choice.cases == 3 * 300
    assert choice.blend.trend_weight > 0
    assert choice.ndcg > choice.default_ndcg


def test_tuning_keeps_the_configured_blend_without_a_clear_gain_or_enough_users() -> None:
    # Random picks at random times: no setting predicts better than another.
    rng = np.random.default_rng(1)
    noise = [
        [(int(i), 1.0, float(t)) for i, t in zip(rng.choice(40, 8, replace=False),
                                                 np.sort(rng.uniform(0, 60 * DAY, 8)),
                                                 strict=True)]
        for _ in range(200)
    ]  # fmt: skip
    defaults = Blend(half_life=20, trend_weight=0.25, trend_window=0.02)
    assert choose(Ease(), noise, 40, defaults).blend == defaults
    few = choose(Ease(), _popular_in_turn(users=MIN_USERS - 1), 40, Blend(trend_weight=0))
    assert few.cases == 0 and few.blend == Blend(trend_weight=0)


def test_user_rows_keep_the_largest_weight_of_a_repeated_item() -> None:
    histories = [[(2, 1.0), (0, 3.0), (2, 2.0)], [], [(1, 1.0, 5.0)]]
    rows = user_rows(histories, 3, half_life=0).toarray()
    assert rows.tolist() == [[3, 0, 2], [0, 0, 0], [0, 1, 0]]
    assert Flat.of(histories).rows(3, 1.0).toarray()[0].tolist() == [1.5, 0, 2]
    assert user_rows([], 3, half_life=0).shape == (0, 3)


def test_symmetric_inverse_matches_the_general_one_and_falls_back() -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((30, 30))
    spd = (a @ a.T + 30 * np.eye(30)).astype(np.float32)
    assert np.allclose(symmetric_inverse(spd), np.linalg.inv(spd), atol=1e-6)
    indefinite = np.diag([2.0, -4.0]).astype(np.float32)  # no Cholesky factor exists
    assert np.allclose(symmetric_inverse(indefinite), np.diag([0.5, -0.25]))


def test_ease_scores_dense_and_sparse_rows_alike() -> None:
    weights = np.random.default_rng(0).standard_normal((50, 50)).astype(np.float32)
    model = FittedEase(weights)
    sparse_rows = sp.random(20, 50, density=0.01, format="csr", random_state=1)
    dense_rows = sp.random(20, 50, density=0.5, format="csr", random_state=2)
    for rows in (sparse_rows, dense_rows):
        assert np.allclose(model.score(rows), rows.toarray() @ weights, atol=1e-5)


@pytest.mark.parametrize("tune", [True, False])
def test_fit_blended_models_every_history(tune: bool) -> None:
    histories = _popular_in_turn(users=60)
    model, choice = fit_blended(Ease(), histories, 40, defaults=Blend(), tune=tune)
    assert model.n_items == 40 and model.timeline.times.size == sum(map(len, histories))
    assert (choice.cases > 0) is tune
    rows = user_rows(histories, 40, 0)
    assert model.parts(histories).total.shape == rows.shape


def test_the_held_out_fit_from_the_updated_gram_matrix_is_the_direct_fit() -> None:
    histories = _popular_in_turn(users=80)
    rows = user_rows(histories, 40, 0)
    fewer = user_rows([h[:-2] if u % 3 == 0 else h for u, h in enumerate(histories)], 40, 0)
    fitter = _Fitter(Ease(), rows)
    held_out = fitter.without(fewer)
    assert isinstance(held_out, FittedEase)
    assert np.allclose(held_out.weights, Ease().fit(fewer).weights, atol=1e-5)
    full = fitter.full()
    assert isinstance(full, FittedEase)
    assert np.allclose(full.weights, Ease().fit(rows).weights, atol=1e-5)


@pytest.mark.parametrize("density", [0.005, 0.3])
def test_gram_matrix_dense_and_sparse_alike(density: float) -> None:
    x = sp.random(300, 40, density=density, format="csr", random_state=3, dtype=np.float32)
    assert np.allclose(gram_of(x, chunk=64), (x.T @ x).toarray(), atol=1e-5)


def test_flat_histories_cut_without_loops() -> None:
    flat = Flat.of([[(1, 1.0, 10.0), (2, 1.0, 20.0), (3, 0.5, 30.0)], [], [(4, 2.0, 5.0)]])
    assert flat.ends.tolist() == [3, 3, 4] and flat.owners().tolist() == [0, 0, 0, 2]
    kept = flat.keep(np.array([True, False, True, True]))
    assert kept.lengths.tolist() == [2, 0, 1] and kept.items.tolist() == [1, 3, 4]
    cut = flat.prefixes(np.array([0, 0, 2]), np.array([1, 2, 0]))
    assert cut.lengths.tolist() == [2, 1, 1] and cut.items.tolist() == [1, 2, 1, 4]
    assert cut.times.tolist() == [10.0, 20.0, 10.0, 5.0]
    assert not Flat.of([[(1, 1.0)]]).times.any()  # no times given
