"""Model registry and inference (speech, embeddings, ...): grows with the voice issue.

- ``spec``: ``ModelSpec``, how to load a model and run one batch of it.
- ``device``: ``choose_device``, "auto"/"cpu"/"cuda[:N]" to a concrete torch device string.
- ``batching``: ``MicroBatcher``, groups concurrent requests into batches run in a thread.
- ``registry``: ``ModelRegistry``, lazy loading by name and ``run(name, request)``.

Nothing here imports torch at import time: the bot starts without paying for it.
"""

from models.batching import BatcherStats, MicroBatcher
from models.device import choose_device
from models.errors import ModelBusy, ModelClosed, ModelError, ModelTimeout
from models.registry import ModelInfo, ModelRegistry
from models.spec import ModelSpec

__all__ = [
    "BatcherStats",
    "MicroBatcher",
    "ModelBusy",
    "ModelClosed",
    "ModelError",
    "ModelInfo",
    "ModelRegistry",
    "ModelSpec",
    "ModelTimeout",
    "choose_device",
]
