"""Build the configured bus backend by name (the ``bus.backend`` setting)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.bus.base import Bus
from bot.bus.memory import MemoryBus

# Redis Streams joins here when the bot scales out to several processes.
_BACKENDS: dict[str, Callable[..., Bus]] = {"memory": MemoryBus}


def create_bus(backend: str, **options: Any) -> Bus:
    """A new bus of kind ``backend``; ``options`` go to its constructor."""
    factory = _BACKENDS.get(backend)
    if factory is None:
        allowed = ", ".join(sorted(_BACKENDS))
        raise ValueError(f"unknown bus backend {backend!r}; allowed: {allowed}")
    return factory(**options)
