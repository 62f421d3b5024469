"""Turning reply text into a Telegram voice note: TTS through the model registry, OGG/Opus on
disk (channels send files by path, and an undelivered reply is resent after a restart)."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from models.audio import encode_ogg_opus
from models.registry import ModelRegistry
from models.tts.spec import SpeechRequest, SpokenText

TTS_MODEL = "tts"


@dataclass(frozen=True)
class VoiceNote:
    path: Path
    duration_s: float
    engine: str


class Speaker:
    """Text -> OGG/Opus file under ``folder``."""

    def __init__(self, models: ModelRegistry, folder: Path, model: str = TTS_MODEL) -> None:
        self._models = models
        self.folder = folder
        self._model = model

    async def speak(self, text: str, lang: str) -> VoiceNote:
        spoken: SpokenText = await self._models.run(self._model, SpeechRequest(text, lang))
        speech = spoken.speech
        data = await asyncio.to_thread(encode_ogg_opus, speech.samples, speech.sample_rate)
        path = await asyncio.to_thread(self._write, data)
        return VoiceNote(path, speech.duration_s, spoken.engine)

    def _write(self, data: bytes) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{uuid.uuid4().hex}.ogg"
        # Written under a temporary name and renamed: a channel never sends half a file.
        fd, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
        return path

    def sweep(self, older_than_s: float) -> int:
        """Delete voice notes older than ``older_than_s``; returns how many."""
        if not self.folder.is_dir():
            return 0
        cutoff = time.time() - older_than_s
        removed = 0
        for path in self.folder.iterdir():
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue  # swept by another worker meanwhile
        return removed


class RecentTurns:
    """Trace ids of recent voice messages, so their answers can be spoken (bounded: a reply
    comes seconds after its message, not hours)."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._traces: OrderedDict[str, None] = OrderedDict()

    def add(self, trace_id: str) -> None:
        self._traces[trace_id] = None
        self._traces.move_to_end(trace_id)
        while len(self._traces) > self._capacity:
            self._traces.popitem(last=False)

    def __contains__(self, trace_id: object) -> bool:
        return trace_id in self._traces
