"""Retraining builds a new model off the event loop and swaps it in whole: requests keep
being answered during the retrain, each from one complete snapshot."""

from __future__ import annotations

import asyncio
import threading

import pytest
import scipy.sparse as sp

from bot.storage import Database
from plugins.recommend import model as model_module
from plugins.recommend.algorithms import Algorithm, FittedModel, algorithm_for
from plugins.recommend.config import RecommendConfig
from plugins.recommend.model import opinions
from plugins.recommend.ranking import Request
from plugins.recommend.service import RecommendService
from plugins.recommend.store import user_key
from tests.plugins.recommend.samples import item_id, loaded_service

USER = 5


class _Gate:
    """Holds every fit until opened, so the test can act while a retrain is under way."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def wrap(self, name: str, config: RecommendConfig, n_items: int) -> Algorithm:
        inner = algorithm_for(name, config, n_items)
        gate = self

        class Held:
            @property
            def name(self) -> str:
                return inner.name

            def fit(self, interactions: sp.csr_matrix) -> FittedModel:
                gate.entered.set()
                assert gate.release.wait(timeout=30), "the test never released the fit"
                return inner.fit(interactions)

        return Held()


async def _like(service: RecommendService, external: str) -> None:
    item = next(i for i in service.catalog.items if i.external_id == external)
    await service.press(USER, item.id, "like")


async def test_requests_go_on_during_a_retrain_and_see_one_model(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = await loaded_service(database)
    old = service.snapshot
    await _like(service, item_id("comedy", 0))
    request = Request(count=5)
    expected_old = await service.picks(USER, request, "ease")

    gate = _Gate()
    monkeypatch.setattr(model_module, "algorithm_for", gate.wrap)
    # New data the running retrain will learn from: people who liked comedy-0, as the user
    # did, and the (so far rare) comedy-9.
    await service.import_file(
        b"user,item\n"
        + b"".join(f"late-{u},comedy-0\nlate-{u},comedy-9\n".encode() for u in range(12))
    )
    retrain = asyncio.create_task(service.retrain())
    await asyncio.to_thread(gate.entered.wait, 30)

    # The fit is stuck in its thread; the loop is free and answers from the old model.
    during = await asyncio.wait_for(
        asyncio.gather(*(service.picks(USER, request, "ease") for _ in range(20))), timeout=10
    )
    assert service.snapshot is old
    assert all(picks == expected_old for picks in during)

    gate.release.set()
    new = await retrain
    assert service.snapshot is new and new.version == old.version + 1
    assert new.n_interactions == old.n_interactions + 24 + 1  # the import and the like
    assert old.models["ease"] is not new.models["ease"]  # the old snapshot was not touched
    history = opinions(await service.store.user_interactions(USER))[user_key(USER)]
    nine = next(i.id for i in service.catalog.items if i.external_id == item_id("comedy", 9))
    old_scores, new_scores = (s.scores("ease", history) for s in (old, new))
    assert old_scores is not None and new_scores is not None
    # Learnt from the new data: comedy-9 goes with comedy-0, which the user liked.
    assert new_scores[new.columns[nine]] > 1.2 * old_scores[old.columns[nine]]
    assert await service.picks(USER, request, "ease")


async def test_retrains_do_not_overlap(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = await loaded_service(database)
    running = 0
    most = 0
    original = model_module.train

    def counting(*args: object, **kwargs: object) -> model_module.Snapshot:
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            return original(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            running -= 1

    monkeypatch.setattr(model_module, "train", counting)
    snapshots = await asyncio.gather(*(service.retrain() for _ in range(3)))
    assert most == 1
    assert sorted(s.version for s in snapshots) == [2, 3, 4]
