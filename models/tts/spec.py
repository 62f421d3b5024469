"""``tts_spec``: speech synthesis served by the model registry like every other model.

A request is ``SpeechRequest(text, lang)``; the result is ``SpokenText`` (the speech and the
engine that spoke). The "model" is a ``LanguageRouter``: engines start on first use, Piper's
worker process ends when the registry closes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from models.spec import ModelSpec
from models.tts.engines import LanguageRouter
from models.tts.speech import Speech


@dataclass(frozen=True)
class SpeechRequest:
    text: str
    lang: str


@dataclass(frozen=True)
class SpokenText:
    speech: Speech
    engine: str


def tts_spec(
    name: str,
    *,
    preference: Mapping[str, Sequence[str]] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    warm_languages: Sequence[str] = ("en",),
    timeout_s: float = 120.0,
) -> ModelSpec[LanguageRouter, SpeechRequest, SpokenText]:
    """Engines per language (``preference``, e.g. ``{"en": ["piper"], "ru": ["festival"]}``;
    espeak-ng is always the last resort) and per-engine options (``{"piper": {"python": ...}}``).
    """

    def load(device: str) -> LanguageRouter:
        # The engines choose their own devices (all CPU today); ``device`` is unused.
        return LanguageRouter(preference, options)

    def warm(router: LanguageRouter) -> None:
        for lang in warm_languages:
            router.warm(lang)

    def infer(router: LanguageRouter, batch: list[SpeechRequest]) -> list[SpokenText]:
        results = []
        for request in batch:
            speech, engine = router.synthesize(request.text, request.lang)
            results.append(SpokenText(speech, engine))
        return results

    return ModelSpec(
        name=name,
        loader=load,
        infer=infer,
        device="cpu",
        # One text per batch: an engine failing on one text must not fail its neighbours.
        max_batch=1,
        timeout_s=timeout_s,
        warmup=warm,
        unloader=LanguageRouter.close,
        memory_mb=LanguageRouter.memory_mb,
    )
