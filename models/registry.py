"""``ModelRegistry``: models by name, loaded on first use, each behind its own batcher."""

from __future__ import annotations

import asyncio
import functools
import time
from dataclasses import dataclass, field
from typing import Any

from models.batching import BatcherStats, MicroBatcher
from models.device import choose_device
from models.errors import ModelClosed
from models.memory import resident_mb
from models.spec import ModelSpec

# Specs of different models have different type parameters; the registry is the boundary
# where they meet, so it holds them as Any and callers know what their model takes.
AnySpec = ModelSpec[Any, Any, Any]


@dataclass(frozen=True)
class ModelInfo:
    """One row of the admin ``/models`` listing."""

    name: str
    device: str  # the concrete device once loaded, the configured preference before
    loaded: bool
    load_s: float | None  # loading plus warm-up, wall clock
    stats: BatcherStats | None
    # Growth of this process's resident memory while the model loaded (weights, arenas);
    # models that live in a worker process report that process's memory instead.
    memory_mb: float | None = None


@dataclass(eq=False)
class _Entry:
    spec: AnySpec
    # Serialises the first load: concurrent first callers wait for one load, not ten.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    model: Any = None
    device: str | None = None
    load_s: float | None = None
    memory_mb: float | None = None
    batcher: MicroBatcher[Any, Any] | None = None


class ModelRegistry:
    """Register specs at start-up (cheap); models load lazily on the first ``get``/``run``,
    so a bot that never hears a voice message never loads the speech model."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._closed = False

    def register(self, spec: AnySpec) -> None:
        if spec.name in self._entries:
            raise ValueError(f"model {spec.name!r} is already registered")
        self._entries[spec.name] = _Entry(spec)

    async def get(self, name: str) -> Any:
        """The loaded model object, loading it (in a thread, with warm-up) on first use.
        A failed load is not remembered: the next call tries again."""
        entry = self._entry(name)
        if entry.batcher is None:
            async with entry.lock:
                if entry.batcher is None:  # another caller may have loaded it meanwhile
                    await self._load(entry)
        return entry.model

    async def run(self, name: str, request: Any) -> Any:
        """One request through the model's batcher; see ``MicroBatcher.submit`` for errors."""
        await self.get(name)
        batcher = self._entry(name).batcher
        assert batcher is not None  # get() loaded it
        return await batcher.submit(request)

    def loaded(self) -> list[ModelInfo]:
        """Every registered model, loaded or not, in registration order."""
        return [
            ModelInfo(
                name=name,
                device=e.device if e.device is not None else e.spec.device,
                loaded=e.batcher is not None,
                load_s=e.load_s,
                stats=e.batcher.stats() if e.batcher is not None else None,
                memory_mb=self._memory_mb(e),
            )
            for name, e in self._entries.items()
        ]

    async def close(self) -> None:
        """Finish queued requests of every model, then unload (worker processes end)."""
        self._closed = True
        for entry in self._entries.values():
            if entry.batcher is not None:
                await entry.batcher.close()
            if entry.model is not None and entry.spec.unloader is not None:
                await asyncio.to_thread(entry.spec.unloader, entry.model)
            entry.batcher = None
            entry.model = None

    @staticmethod
    def _memory_mb(entry: _Entry) -> float | None:
        if entry.model is not None and entry.spec.memory_mb is not None:
            return entry.spec.memory_mb(entry.model)
        return entry.memory_mb

    def _entry(self, name: str) -> _Entry:
        if self._closed:
            raise ModelClosed("the model registry is closed")
        try:
            return self._entries[name]
        except KeyError:
            known = ", ".join(sorted(self._entries)) or "none"
            raise KeyError(f"unknown model {name!r}; registered: {known}") from None

    async def _load(self, entry: _Entry) -> None:
        spec = entry.spec
        started = time.perf_counter()
        device = choose_device(spec.device)
        rss_before = resident_mb()
        # Loading reads weights and may compile kernels: seconds of blocking work.
        model = await asyncio.to_thread(spec.loader, device)
        if spec.warmup is not None:
            await asyncio.to_thread(spec.warmup, model)
        entry.model = model
        entry.device = device
        entry.load_s = time.perf_counter() - started
        rss_after = resident_mb()
        if rss_before is not None and rss_after is not None:
            entry.memory_mb = max(0.0, rss_after - rss_before)
        entry.batcher = MicroBatcher(
            functools.partial(spec.infer, model),
            name=spec.name,
            max_batch=spec.max_batch,
            max_wait_ms=spec.max_wait_ms,
            max_queue=spec.max_queue,
            timeout_s=spec.timeout_s,
        )
