"""The experiment service the runtime asks for variants (``bot.experiments``).

Running experiments are kept in memory, keyed by parameter, and re-read every
``refresh_s`` (another worker may have started or stopped one) and at once after this
worker's own ``/ab create`` and ``/ab stop``. The variant itself is a hash, so the only write
is the first exposure of each user to each experiment; exposures already written are
remembered (a bounded set) so a busy parameter does not cost a statement per read.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from plugins.abtest.assignment import assign
from plugins.abtest.records import Experiment
from plugins.abtest.store import ExperimentStore

log = logging.getLogger(__name__)

REMEMBERED_EXPOSURES = 100_000


class VariantService:
    def __init__(
        self, store: ExperimentStore, *, refresh_s: float, active: Callable[[], bool]
    ) -> None:
        self._store = store
        self._refresh_s = refresh_s
        self._active = active  # False while the plugin is disabled: defaults, no exposures
        self._by_parameter: dict[str, Experiment] = {}
        self._loaded_at: float | None = None
        self._lock = asyncio.Lock()
        self._exposed: OrderedDict[tuple[int, int], None] = OrderedDict()

    async def refresh(self) -> None:
        """Re-read the running experiments now."""
        async with self._lock:
            await self._load()

    async def _load(self) -> None:
        running = await self._store.running()
        self._by_parameter = {e.parameter: e for e in running}
        self._loaded_at = time.monotonic()

    async def _current(self) -> dict[str, Experiment]:
        loaded = self._loaded_at
        if loaded is None or time.monotonic() - loaded >= self._refresh_s:
            async with self._lock:
                if self._loaded_at == loaded:  # nobody refreshed while we waited
                    await self._load()
        return self._by_parameter

    def running(self, parameter: str) -> Experiment | None:
        """The running experiment on ``parameter`` as last read (no store access)."""
        return self._by_parameter.get(parameter)

    async def variant(self, parameter: str, user_id: int, default: str) -> str:
        if not self._active():
            return default
        experiment = (await self._current()).get(parameter)
        if experiment is None:
            return default
        name = assign(experiment.salt, user_id, experiment.design.variants)
        key = (experiment.id, user_id)
        if key not in self._exposed:
            await self._store.expose(experiment.id, user_id, name)
            self._exposed[key] = None
            if len(self._exposed) > REMEMBERED_EXPOSURES:
                self._exposed.popitem(last=False)
        return name

    def forget(self, user_id: int) -> None:
        """Drop remembered exposures of a user whose data was deleted."""
        for key in [k for k in self._exposed if k[1] == user_id]:
            del self._exposed[key]
