"""What every TTS engine returns and promises."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt


class TtsError(RuntimeError):
    """An engine could not speak (missing program, worker died, empty output)."""


@dataclass(frozen=True)
class Speech:
    samples: npt.NDArray[np.float32]  # mono, -1..1
    sample_rate: int

    @property
    def duration_s(self) -> float:
        return float(self.samples.shape[0]) / self.sample_rate


class Synthesizer(Protocol):
    """A blocking engine; ``synthesize`` may take a second, so callers run it in a thread."""

    name: str
    languages: tuple[str, ...]  # the languages it speaks well

    def synthesize(self, text: str, lang: str) -> Speech: ...

    def close(self) -> None: ...


def pcm16_to_float(data: bytes) -> npt.NDArray[np.float32]:
    """Little-endian signed 16-bit PCM -> float32 in -1..1."""
    return (np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0).astype(np.float32)
