"""Choosing an engine: by name, and per language with fallback.

``build_synthesizer(name, **options)`` starts one engine. ``LanguageRouter`` holds the
configured preference per language (default: English Piper, Russian festival, espeak-ng after
each), starts engines on first use, normalises the text for the language, and falls back to the
next engine when one fails — a voice reply in a worse voice beats no reply.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from models.memory import resident_mb
from models.tts.espeak import EspeakNg
from models.tts.festival import FestivalRussian
from models.tts.normalise import normalise
from models.tts.piper import PiperWorker
from models.tts.speech import Speech, Synthesizer, TtsError

log = logging.getLogger(__name__)

ENGINES: dict[str, Callable[..., Synthesizer]] = {
    "piper": PiperWorker,
    "festival": FestivalRussian,
    "espeak-ng": EspeakNg,
}
DEFAULT_PREFERENCE: dict[str, tuple[str, ...]] = {
    "en": ("piper", "espeak-ng"),
    "ru": ("festival", "espeak-ng"),
}
FALLBACK_ENGINE = "espeak-ng"


def build_synthesizer(name: str, **options: Any) -> Synthesizer:
    """Start engine ``name`` (one of ``ENGINES``); blocking, may start a worker process."""
    try:
        factory = ENGINES[name]
    except KeyError:
        raise TtsError(f"unknown TTS engine {name!r}; known: {', '.join(ENGINES)}") from None
    return factory(**options)


class LanguageRouter:
    """Text + language -> speech, through the preferred engine that works."""

    def __init__(
        self,
        preference: Mapping[str, Sequence[str]] | None = None,
        options: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        chosen = dict(DEFAULT_PREFERENCE)
        chosen.update({lang: tuple(names) for lang, names in (preference or {}).items()})
        for lang, names in chosen.items():
            for name in names:
                if name not in ENGINES:
                    raise TtsError(f"tts engine for {lang!r}: unknown engine {name!r}")
        self.preference = chosen
        self._options = {name: dict(opts) for name, opts in (options or {}).items()}
        self._engines: dict[str, Synthesizer] = {}
        self._broken: dict[str, str] = {}  # engines that failed to start, and why
        self._lock = threading.Lock()

    def engines_for(self, lang: str) -> tuple[str, ...]:
        names = self.preference.get(lang, ())
        return names if FALLBACK_ENGINE in names else (*names, FALLBACK_ENGINE)

    def _engine(self, name: str) -> Synthesizer:
        with self._lock:
            if name in self._broken:
                raise TtsError(self._broken[name])
            engine = self._engines.get(name)
            if engine is None:
                try:
                    engine = build_synthesizer(name, **self._options.get(name, {}))
                except TtsError as error:
                    # Remembered: a missing program will not appear between two replies.
                    self._broken[name] = str(error)
                    raise
                self._engines[name] = engine
            return engine

    def synthesize(self, text: str, lang: str) -> tuple[Speech, str]:
        """Speech for ``text`` and the name of the engine that spoke it."""
        spoken = normalise(text, lang)
        if not spoken.strip():
            raise TtsError("nothing to say after normalisation")
        failures: list[str] = []
        for name in self.engines_for(lang):
            try:
                return self._engine(name).synthesize(spoken, lang), name
            except TtsError as error:
                log.warning("tts engine %s failed for %s: %s", name, lang, error)
                failures.append(f"{name}: {error}")
        raise TtsError("; ".join(failures))

    def warm(self, lang: str) -> None:
        """Start the preferred engine for ``lang`` now (Piper's worker takes ~1.5 s)."""
        for name in self.engines_for(lang):
            try:
                self._engine(name)
                return
            except TtsError:
                continue

    def started(self) -> dict[str, str]:
        """Engine name -> "running" or the reason it could not start."""
        with self._lock:
            state = {name: "running" for name in self._engines}
            state.update(self._broken)
            return state

    def memory_mb(self) -> float:
        """Resident memory of the engines' worker processes (command-line engines hold none
        between requests)."""
        with self._lock:
            pids = [getattr(engine, "pid", None) for engine in self._engines.values()]
        return sum(resident_mb(pid) or 0.0 for pid in pids if pid is not None)

    def close(self) -> None:
        with self._lock:
            engines, self._engines = list(self._engines.values()), {}
        for engine in engines:
            engine.close()
