"""The algorithms on their own: EASE's closed form, iALS's fold-in, popularity, the matrix
builder's recency weights, and the diversity re-ranking."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from plugins.recommend.algorithms import algorithm_for
from plugins.recommend.algorithms.ease import Ease
from plugins.recommend.algorithms.ials import Ials
from plugins.recommend.algorithms.popularity import Popularity
from plugins.recommend.config import RecommendConfig
from plugins.recommend.diversity import rerank
from plugins.recommend.matrix import user_rows
from plugins.recommend.synthetic import SyntheticOptions, generate


def _clustered(n_users: int = 60, clusters: int = 3, per_cluster: int = 8) -> sp.csr_matrix:
    """Users who each take most items of one cluster (items c*per_cluster ... ) and one
    stray item elsewhere."""
    rng = np.random.default_rng(0)
    n_items = clusters * per_cluster
    rows = []
    for u in range(n_users):
        c = u % clusters
        own = rng.choice(per_cluster, size=5, replace=False) + c * per_cluster
        stray = rng.integers(n_items)
        rows.append([(int(i), 1.0) for i in own] + [(int(stray), 1.0)])
    return user_rows(rows, n_items, half_life=0)


def test_ease_solves_its_constrained_least_squares() -> None:
    x = _clustered()
    model = Ease(l2=0.0, emphasis=0.0, l2_floor=5.0).fit(x)
    b = model.weights.astype(np.float64)
    gram = (x.T @ x).toarray()
    assert np.allclose(np.diag(b), 0.0)
    # Stationarity: (G + λI)B − G is zero off the diagonal (the diagonal holds the multipliers).
    residual = (gram + 5.0 * np.eye(gram.shape[0])) @ b - gram
    off_diagonal = residual - np.diag(np.diag(residual))
    assert np.abs(off_diagonal).max() < 1e-3


@pytest.mark.parametrize("algorithm", [Ease(), Ials(factors=4, iterations=10)])
def test_two_likes_fold_into_scores_at_once(algorithm: Ease | Ials) -> None:
    x = _clustered()
    model = algorithm.fit(x)
    nobody = sp.csr_matrix((1, x.shape[1]), dtype=np.float32)
    two_likes = user_rows([[(8, 1.0), (9, 1.0)]], x.shape[1], half_life=0)  # cluster 1
    before, after = model.score(nobody)[0], model.score(two_likes)[0]
    assert not np.allclose(before, after)
    after[[8, 9]] = -np.inf
    top = np.argsort(-after)[:3]
    assert all(8 <= i < 16 for i in top), top  # the rest of that cluster comes first


def test_ials_fold_in_is_the_least_squares_step() -> None:
    x = _clustered()
    model = Ials(factors=6, iterations=5, regularization=0.1, alpha=2.0).fit(x)
    row = user_rows([[(0, 1.0), (3, 2.0)]], x.shape[1], half_life=0)
    factor = model.user_factors(row)[0]
    y = model.item_factors.astype(np.float64)
    c = np.zeros(x.shape[1])
    c[[0, 3]] = 2.0 * np.array([1.0, 2.0])  # confidence = alpha × weight
    # The same equation iALS alternates on: (YᵀCY + λI) x = YᵀCp with p = 1 where c > 0.
    lhs = y.T @ np.diag(np.where(c > 0, c, 1.0)) @ y + 0.1 * np.eye(6)
    assert np.allclose(lhs @ factor, y.T @ c, atol=1e-6)


def test_popularity_counts_users_per_item() -> None:
    x = user_rows([[(0, 1.0), (1, 3.0)], [(1, 1.0)], []], 3, half_life=0)
    model = Popularity().fit(x)
    assert model.score(x)[0].tolist() == [1.0, 2.0, 0.0]


def test_large_catalogs_fall_back_to_ials() -> None:
    config = RecommendConfig(ease_max_items=100)
    assert isinstance(algorithm_for("ease", config, 100), Ease)
    assert isinstance(algorithm_for("ease", config, 101), Ials)
    assert isinstance(algorithm_for("popularity", config, 5), Popularity)


def test_recency_halves_every_half_life_and_repeats_keep_the_latest() -> None:
    three = [[(0, 1.0), (1, 1.0), (2, 1.0)]]
    assert np.allclose(user_rows(three, 3, half_life=1.0).toarray(), [[0.25, 0.5, 1.0]])
    assert np.allclose(user_rows(three, 3, half_life=0).toarray(), [[1.0, 1.0, 1.0]])
    rows = user_rows([[(2, 1.0), (0, 1.0), (2, 1.0)]], 3, half_life=1.0)
    assert np.allclose(rows.toarray(), [[0.5, 0.0, 1.0]])


def test_diversity_reranking_spreads_the_list() -> None:
    genres = ["a", "a", "a", "b", "b"]
    same = np.array([[1.0 if x == y else 0.0 for y in genres] for x in genres])
    relevance = [1.0, 0.95, 0.9, 0.8, 0.7]
    assert rerank(list(range(5)), relevance, same, 3, 0.0) == [0, 1, 2]
    assert rerank(list(range(5)), relevance, same, 3, 0.5) == [0, 3, 1]


def test_synthetic_data_is_skewed_clustered_and_ordered() -> None:
    rows = list(generate(SyntheticOptions(n_users=80, n_items=300, seed=3)))
    users = {u for u, _, _, _ in rows}
    counts = np.bincount([i for _, i, _, _ in rows], minlength=300)
    assert len(users) == 80 and len(rows) >= 80 * 20
    top_tenth = np.sort(counts)[::-1][:30].sum()
    assert top_tenth > 0.2 * counts.sum()  # popularity skew: twice a uniform share
    assert len({(u, i) for u, i, _, _ in rows}) == len(rows)  # no repeats
    assert rows == list(generate(SyntheticOptions(n_users=80, n_items=300, seed=3)))


def test_drifting_synthetic_data_follows_releases() -> None:
    options = SyntheticOptions(n_users=120, n_items=300, seed=4, drift=True)
    rows = list(generate(options))
    plain = list(generate(SyntheticOptions(n_users=120, n_items=300, seed=4)))
    assert rows == list(generate(options))  # deterministic
    assert rows != plain
    assert len({(u, i) for u, i, _, _ in rows}) == len(rows)
    assert {r for _, _, r, _ in rows} >= {1.0, 2.0, 3.0, 4.0}  # low ratings count too

    def time_spread(log: list[tuple[int, int, float, float]]) -> float:
        """Median spread of an item's timestamps relative to the whole log's."""
        times = np.asarray([t for _, _, _, t in log], dtype=float)
        items = np.asarray([i for _, i, _, _ in log])
        spreads = [times[items == i].std() for i in np.unique(items) if (items == i).sum() >= 10]
        return float(np.median(spreads) / times.std())

    # An item is watched around its peak after release: more so than without drift.
    assert time_spread(rows) < 0.9 * time_spread(plain)
