"""The TTS half of ``bench.asr``: seconds of compute per second of speech, per engine.

Each engine speaks a fixed set of reply-like sentences in the languages it is meant for
(Piper English, Festival Russian, espeak-ng both), one at a time after one warm-up sentence.
An engine that cannot be imported or started is reported as ``{"error": ...}``, so the rest of
the benchmark still runs.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

# What Sova says back: confirmations, lists, numbers, times; short and medium length.
SENTENCES: dict[str, tuple[str, ...]] = {
    "en": (
        "Hello! How can I help you today?",
        "Done. I will remind you to call mom in 10 minutes.",
        "You have three reminders: water the plants at 7:30, call Bob tomorrow, "
        "and send the report on Friday.",
        "I did not catch that. Could you say it again, please?",
        "Your reminder to check the oven is set for 6 pm.",
        "I can set reminders, answer simple questions and keep notes for you.",
        "The meeting starts in 15 minutes, on the second floor.",
        "Sorry, I could not reach the weather service. Please try again later.",
        "Okay, I deleted the reminder about the dentist.",
        "Thanks! If you need anything else, just send me a message or a voice note.",
    ),
    "ru": (
        "Привет! Чем могу помочь?",
        "Готово. Напомню позвонить маме через 10 минут.",
        "У вас три напоминания: полить цветы в 7:30, позвонить Боре завтра "
        "и отправить отчёт в пятницу.",
        "Я не расслышала. Повторите, пожалуйста.",
        "Напоминание проверить духовку поставлено на 18 часов.",
        "Я умею ставить напоминания, отвечать на простые вопросы и хранить заметки.",
        "Встреча начнётся через 15 минут на втором этаже.",
        "Не получилось связаться с сервисом погоды. Попробуйте позже.",
        "Хорошо, я удалила напоминание о визите к стоматологу.",
        "Спасибо! Если понадобится что-то ещё, просто напишите или пришлите голосовое.",
    ),
}
ENGINE_LANGUAGES: dict[str, tuple[str, ...]] = {
    "piper": ("en",),
    "festival": ("ru",),
    "espeak-ng": ("en", "ru"),
}
ENGINES = tuple(ENGINE_LANGUAGES)


class _Speech(Protocol):
    @property
    def duration_s(self) -> float: ...


class _Synthesizer(Protocol):
    """The slice of ``models.tts.Synthesizer`` this benchmark uses."""

    def synthesize(self, text: str, lang: str) -> _Speech: ...

    def close(self) -> None: ...


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _measure(
    synth: _Synthesizer, languages: Sequence[str], progress: Callable[[str], None]
) -> dict[str, Any]:
    first_lang = languages[0]
    synth.synthesize(SENTENCES[first_lang][0], first_lang)  # warm-up, not counted
    per_language: dict[str, Any] = {}
    total_compute = total_speech = 0.0
    count = 0
    for lang in languages:
        compute = speech = 0.0
        for text in SENTENCES[lang]:
            started = time.perf_counter()
            result = synth.synthesize(text, lang)
            compute += time.perf_counter() - started
            speech += result.duration_s
        sentences = len(SENTENCES[lang])
        per_language[lang] = {
            "rtf": compute / speech if speech else None,
            "mean_latency_ms": compute / sentences * 1000,
            "sentences": sentences,
            "speech_s": speech,
        }
        progress(f"  {lang}: {sentences} sentences, {compute:.1f} s for {speech:.1f} s of speech")
        total_compute += compute
        total_speech += speech
        count += sentences
    return {
        "rtf": total_compute / total_speech if total_speech else None,
        "mean_latency_ms": total_compute / count * 1000,
        "sentences": count,
        "compute_s": total_compute,
        "speech_s": total_speech,
        "per_language": per_language,
    }


def bench_engine(engine: str, progress: Callable[[str], None]) -> dict[str, Any]:
    """One engine: start it (timed apart), warm it up, speak every sentence of its languages."""
    languages = ENGINE_LANGUAGES[engine]
    progress(f"TTS {engine} ({', '.join(languages)})")
    try:
        from models.tts import build_synthesizer
    except ImportError as exc:
        return {"error": f"models.tts is not importable: {_error(exc)}"}
    started = time.perf_counter()
    try:
        synth: _Synthesizer = build_synthesizer(engine)
    except Exception as exc:  # an engine that cannot start must not stop the benchmark
        return {"error": f"could not start {engine}: {_error(exc)}"}
    start_s = time.perf_counter() - started
    try:
        result = _measure(synth, languages, progress)
    except Exception as exc:
        return {"error": f"{engine} failed while speaking: {_error(exc)}", "start_s": start_s}
    finally:
        try:
            synth.close()
        except Exception as exc:
            print(f"  closing {engine} failed: {_error(exc)}", file=sys.stderr)
    return {**result, "start_s": start_s}


def bench_tts(engines: Sequence[str], progress: Callable[[str], None]) -> dict[str, Any]:
    return {engine: bench_engine(engine, progress) for engine in engines}


def print_tts_table(report: dict[str, Any]) -> None:
    print(f"{'TTS engine':<12}{'RTF':>8}{'ms/sentence':>13}{'sentences':>11}{'start s':>9}")
    for engine, row in report.items():
        if "error" in row:
            print(f"{engine:<12}  error: {row['error']}")
            continue
        rtf = "–" if row["rtf"] is None else f"{row['rtf']:.3f}"
        print(
            f"{engine:<12}{rtf:>8}{row['mean_latency_ms']:>13.0f}{row['sentences']:>11}"
            f"{row['start_s']:>9.2f}"
        )
