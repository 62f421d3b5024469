"""Speech synthesis: text -> mono waveform, by engines that run outside Sova's process.

- ``speech``: ``Speech`` (float32 samples + rate), ``Synthesizer`` protocol, ``TtsError``.
- ``normalise``: numbers, dates, abbreviations and symbols spelled out per language.
- ``piper``: Piper (English voice en_US-joe-medium) in a long-lived worker process. piper-tts is
  GPL-3.0, so it lives in its own virtualenv and is never imported here (``piper_worker.py``
  is the worker's script).
- ``festival``: Debian festival + festvox-ru (Russian voice msu_ru_nsh) in one long-lived
  interactive ``festival`` process.
- ``espeak``: espeak-ng, every language, instant; the fallback.
- ``engines``: ``build_synthesizer(name)`` and the per-language engine choice with fallback.
- ``spec``: ``tts_spec(...)``, a registry ``ModelSpec`` so TTS is served like every model.
"""

from models.tts.engines import ENGINES, LanguageRouter, build_synthesizer
from models.tts.speech import Speech, Synthesizer, TtsError

__all__ = ["ENGINES", "LanguageRouter", "Speech", "Synthesizer", "TtsError", "build_synthesizer"]
