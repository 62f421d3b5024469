"""Acceptance: what Sova says aloud, Whisper hears back as the same words.

A reply-like sentence per language goes through the project's ``LanguageRouter`` (English ->
Piper, Russian -> festival; a silent fallback to espeak-ng fails the test), then the way a
Telegram voice note reaches the ASR (OGG/Opus, decoded to 16 kHz) into Whisper base (beam 5,
ru+en). The transcript must match the spoken form of the text: normalised WER <= 0.15.
Run with ``-s`` to see the transcripts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from num2words import num2words  # type: ignore[import-untyped]

from models.asr import WhisperAsr, packaged_whisper_base
from models.audio import TARGET_RATE, decode_audio, encode_ogg_opus
from models.tts import LanguageRouter
from models.tts.normalise import normalise

MAX_WER = 0.15

# (language, reply text, the spelled-out time its spoken form must contain, expected engine)
CASES = (
    ("ru", "Хорошо, напомню завтра в 7:30 позвонить маме.", "семь тридцать", "festival"),
    ("en", "OK, I will remind you at 7:30 tomorrow to call mom.", "seven thirty", "piper"),
)

# Whisper writes a spoken clock time "seven thirty" as 7:30, 7.30, 7-30 or 730.
_CLOCK = re.compile(r"\b([01]?\d|2[0-3])[:.\-]?([0-5]\d)\b")
_NUMBER = re.compile(r"\d+")
# Spellings Whisper and the reference may legitimately disagree on.
_SAME_WORD = {"okay": "ok"}


def _spell_numbers(text: str, lang: str) -> str:
    def clock(match: re.Match[str]) -> str:
        hours, minutes = int(match[1]), int(match[2])
        spoken = num2words(hours, lang=lang)
        return f"{spoken} {num2words(minutes, lang=lang)}" if minutes else spoken

    text = _CLOCK.sub(clock, text)
    return _NUMBER.sub(lambda match: str(num2words(int(match[0]), lang=lang)), text)


def wer_words(text: str, lang: str) -> list[str]:
    """Lower case, ё -> е, digits spelled out, punctuation (hyphens too) removed."""
    text = _spell_numbers(text.lower().replace("ё", "е"), lang)
    words = re.sub(r"[^\w\s]|_", " ", text).split()
    return [_SAME_WORD.get(word, word) for word in words]


def wer(reference: str, hypothesis: str, lang: str) -> float:
    """Word error rate: word-level Levenshtein distance / reference length."""
    ref, hyp = wer_words(reference, lang), wer_words(hypothesis, lang)
    row = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, 1):
        diagonal, row[0] = row[0], i
        for j, hyp_word in enumerate(hyp, 1):
            diagonal, row[j] = (
                row[j],
                min(row[j] + 1, row[j - 1] + 1, diagonal + (ref_word != hyp_word)),
            )
    return row[-1] / max(1, len(ref))


def test_wer_helper() -> None:
    assert wer("a b c d", "a x c", "en") == 0.5
    assert wer("Ёлка, ёж!", "елка еж", "ru") == 0.0
    assert wer("ok, at seven thirty", "Okay, at 730.", "en") == 0.0
    assert wer("в семь тридцать", "в 7-30", "ru") == 0.0
    assert wer("в семь тридцать", "в 7", "ru") == pytest.approx(1 / 3)
    assert wer("call mom", "call dad later", "en") == 1.0


@pytest.fixture(scope="module")
def whisper(tmp_path_factory: pytest.TempPathFactory) -> WhisperAsr:
    folder: Path = packaged_whisper_base(tmp_path_factory.mktemp("asr-cache"))
    return WhisperAsr(folder, languages=("ru", "en"), beam_size=5)


@pytest.fixture(scope="module")
def router() -> Iterator[LanguageRouter]:
    router = LanguageRouter()
    yield router
    router.close()


@pytest.mark.parametrize(("lang", "text", "spoken_time", "engine"), CASES, ids=["ru", "en"])
def test_speech_is_heard_back_as_the_text(
    whisper: WhisperAsr,
    router: LanguageRouter,
    lang: str,
    text: str,
    spoken_time: str,
    engine: str,
) -> None:
    reference = normalise(text, lang)
    assert spoken_time in reference and not re.search(r"\d", reference), reference

    speech, used = router.synthesize(text, lang)
    assert used == engine, router.started()

    voice_note = encode_ogg_opus(speech.samples, speech.sample_rate)
    waveform, duration = decode_audio(voice_note)
    assert duration == pytest.approx(speech.duration_s, abs=0.1)
    assert waveform.shape[0] == pytest.approx(duration * TARGET_RATE, abs=TARGET_RATE * 0.01)

    transcript = whisper.transcribe(waveform)
    error_rate = wer(reference, transcript.text, lang)
    print(
        f"\n[{lang}/{used}] spoken:     {reference}\n"
        f"[{lang}/{used}] transcript: {transcript.text}\n"
        f"[{lang}/{used}] language {transcript.language} "
        f"(p={transcript.language_probability:.2f}), WER {error_rate:.3f}"
    )
    assert transcript.language == lang
    assert error_rate <= MAX_WER, (reference, transcript.text)
