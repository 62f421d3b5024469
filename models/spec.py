"""``ModelSpec``: everything the registry needs to load one model and run batches of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

M = TypeVar("M")
Req = TypeVar("Req")
Res = TypeVar("Res")


@dataclass(frozen=True)
class ModelSpec(Generic[M, Req, Res]):
    """How to load a model and run it.

    ``loader`` and ``infer`` run in a worker thread, never on the event loop, so they may be
    slow and blocking (reading weights, running torch).
    """

    name: str
    # Gets the concrete device string ("cpu", "cuda", "cuda:1"), returns the loaded model.
    loader: Callable[[str], M]
    # Runs one batch; must return one result per request, in input order.
    infer: Callable[[M, list[Req]], list[Res]]
    device: str = "auto"
    max_batch: int = 8
    # How long the first request of a batch waits for company before a partial batch runs.
    max_wait_ms: float = 5.0
    max_queue: int = 256
    # Per request, queue wait included: what the caller experiences.
    timeout_s: float = 60.0
    # Runs once after loading (e.g. one dummy batch), so the first user does not pay for
    # lazy initialisation inside the framework.
    warmup: Callable[[M], None] | None = None
    # Runs at shutdown (e.g. ends a worker process the model lives in).
    unloader: Callable[[M], None] | None = None
    # The model's memory when it is not simply this process's growth at load (worker processes).
    memory_mb: Callable[[M], float | None] | None = None

    def __post_init__(self) -> None:
        # Fail at registration, not on the first request hours later.
        if not self.name:
            raise ValueError("ModelSpec.name must not be empty")
        if self.max_batch < 1:
            raise ValueError(f"model {self.name!r}: max_batch must be >= 1, got {self.max_batch}")
        if self.max_wait_ms < 0:
            raise ValueError(
                f"model {self.name!r}: max_wait_ms must be >= 0, got {self.max_wait_ms}"
            )
        if self.max_queue < 1:
            raise ValueError(f"model {self.name!r}: max_queue must be >= 1, got {self.max_queue}")
        if self.timeout_s <= 0:
            raise ValueError(f"model {self.name!r}: timeout_s must be > 0, got {self.timeout_s}")
