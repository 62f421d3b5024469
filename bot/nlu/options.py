"""Engine settings; all of them are part of the model cache key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time


@dataclass(frozen=True)
class NluOptions:
    threshold: float = 0.5  # below this probability the classifier's best guess is not used
    use_embeddings: bool = True  # USE sentence embeddings in the classifier and word clusters
    default_time: time = time(9, 0)  # time of day for a bare date ("завтра")
    languages: tuple[str, ...] = ("ru", "en")
