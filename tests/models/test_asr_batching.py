"""WhisperAsr.transcribe_batch: several requests in one model pass, same transcripts as one by one.

Real models (tiny.en for most checks, base for per-clip languages) on espeak-ng speech; every
clip says a different sentence, so a result in the wrong slot shows.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from models import ModelRegistry, asr
from models.asr import (
    Transcript,
    WhisperAsr,
    asr_spec,
    packaged_whisper_base,
    packaged_whisper_tiny_en,
)
from models.audio import decode_audio
from tests.models.test_asr import normalise, wer

SENTENCES = (
    "remind me in five minutes to drink water",
    "what is the weather like in london today",
    "please turn off the lights in the kitchen",
    "add milk and bread to my shopping list",
    "play some quiet music for the evening",
    "the children are playing in the garden",
    "send a message to my brother about dinner",
    "what time does the train to paris leave",
    "check my calendar for tomorrow",
    "open the window in the living room",
    "call the doctor and book an appointment",
    "how far is the moon from the earth",
    "how do you say thank you in french",
    "find a recipe for chocolate cake",
    "what is the capital of canada",
    "please order a taxi to the airport",
)
# One espeak Russian sentence Whisper base decodes confidently (others fall back to sequential).
RU_SENTENCE = "какая сегодня погода в москве"
SILENCE = np.zeros(24_000, np.float32)

Waveform = np.ndarray


def _espeak(out: Path, voice: str, text: str) -> Waveform:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng): no test speech")
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(out), text], check=True, timeout=30)
    return decode_audio(out.read_bytes())[0]


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> list[Waveform]:
    tmp = tmp_path_factory.mktemp("speech-en")
    return [_espeak(tmp / f"{i}.wav", "en", text) for i, text in enumerate(SENTENCES)]


@pytest.fixture(scope="module")
def russian(tmp_path_factory: pytest.TempPathFactory) -> Waveform:
    return _espeak(tmp_path_factory.mktemp("speech-ru") / "ru.wav", "ru", RU_SENTENCE)


@pytest.fixture(scope="module")
def tiny() -> WhisperAsr:
    return WhisperAsr(packaged_whisper_tiny_en(), beam_size=2)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> WhisperAsr:
    return WhisperAsr(packaged_whisper_base(tmp_path_factory.mktemp("asr-cache")))


def _spy(monkeypatch: pytest.MonkeyPatch, model: WhisperAsr, method: str) -> list[list[float]]:
    """Record the speech durations (s) each call of ``model.<method>`` got."""
    calls: list[list[float]] = []
    original: Callable[..., object] = getattr(model, method)

    def recording(speech: Any, *rest: Any) -> object:
        items = speech if isinstance(speech, Sequence) else [speech]
        calls.append([s.audio.size / 16_000 for s in items])
        return original(speech, *rest)

    monkeypatch.setattr(model, method, recording)
    return calls


def _assert_same_as_one_by_one(
    model: WhisperAsr, clips: list[Waveform], batched: list[Transcript]
) -> None:
    one_by_one = [model.transcribe(clip) for clip in clips]
    assert [normalise(t.text) for t in batched] == [normalise(t.text) for t in one_by_one]
    assert [t.language for t in batched] == [t.language for t in one_by_one]
    for got, want in zip(batched, one_by_one, strict=True):
        assert got.duration_s == want.duration_s
        assert got.confidence == pytest.approx(want.confidence, abs=0.02)
        # Timestamps are mapped back through the VAD chunks the same way.
        got_times = [t for s in got.segments for t in (s.start, s.end)]
        want_times = [t for s in want.segments for t in (s.start, s.end)]
        assert got_times == pytest.approx(want_times, abs=0.1)


def test_tiny_batch_matches_one_by_one_with_silence_in_the_middle(
    tiny: WhisperAsr, english: list[Waveform], monkeypatch: pytest.MonkeyPatch
) -> None:
    clips = [*english[:3], SILENCE, *english[3:6]]
    batched_calls = _spy(monkeypatch, tiny, "_decode_one_window")
    results = tiny.transcribe_batch(clips)
    _assert_same_as_one_by_one(tiny, clips, results)

    assert len(batched_calls) == 1 and len(batched_calls[0]) == 6  # silence never decoded
    assert results[3].text == "" and results[3].segments == () and results[3].confidence == 0
    texts = [r.text for i, r in enumerate(results) if i != 3]
    for reference, text in zip(SENTENCES[:6], texts, strict=True):
        assert wer(reference, text) <= 0.35, (reference, text)


def test_base_batch_matches_one_by_one_per_clip_language(
    base: WhisperAsr,
    english: list[Waveform],
    russian: Waveform,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clips = [english[6], russian, SILENCE, english[7]]
    sequential = _spy(monkeypatch, base, "_transcribe_speech")
    results = base.transcribe_batch(clips)
    assert [speech for [speech] in sequential if speech > 0] == []  # all three in one pass
    monkeypatch.undo()

    _assert_same_as_one_by_one(base, clips, results)
    assert "москве" in normalise(results[1].text)
    assert [r.language for r in results] == ["en", "ru", "ru", "en"]  # silence: the default
    for reference, result in zip(SENTENCES[6:8], results[::3], strict=True):
        assert wer(reference, result.text) <= 0.35, (reference, result.text)
        assert result.language_probability > 0.5


def test_speech_longer_than_one_window_goes_the_sequential_way(
    tiny: WhisperAsr, english: list[Waveform], monkeypatch: pytest.MonkeyPatch
) -> None:
    gap = np.zeros(4_000, np.float32)
    long_clip = np.concatenate([part for clip in english for part in (clip, gap)])
    sequential = _spy(monkeypatch, tiny, "_transcribe_speech")
    batched = _spy(monkeypatch, tiny, "_decode_one_window")

    results = tiny.transcribe_batch([english[9], long_clip, english[10]])

    assert len(batched) == 1 and len(batched[0]) == 2 and max(batched[0]) < 30
    assert len(sequential) == 1 and sequential[0][0] > 30
    assert wer(" ".join(SENTENCES), results[1].text) <= 0.35, results[1].text
    assert wer(SENTENCES[9], results[0].text) <= 0.35
    assert wer(SENTENCES[10], results[2].text) <= 0.35


def test_long_speech_reports_progress_to_its_own_caller(
    tiny: WhisperAsr, english: list[Waveform]
) -> None:
    gap = np.zeros(4_000, np.float32)
    long_clip = np.concatenate([part for clip in english for part in (clip, gap)])
    long_progress: list[float] = []
    short_progress: list[float] = []

    tiny.transcribe_batch(
        [english[0], long_clip, english[1]],
        [short_progress.append, long_progress.append, None],
    )

    assert len(long_progress) >= 3, long_progress
    assert long_progress == sorted(long_progress)
    assert 0 < long_progress[0] < 0.5 and 0.9 <= long_progress[-1] <= 1.0
    assert short_progress == []  # short clips are done in one batched pass: nothing to report


def test_degenerate_batched_result_is_redone_sequentially(
    tiny: WhisperAsr, english: list[Waveform], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every real result is above this log-prob floor, so all count as degenerate.
    monkeypatch.setattr(asr, "_MIN_AVG_LOGPROB", 0.0)
    sequential = _spy(monkeypatch, tiny, "_transcribe_speech")
    clips = english[11:14]
    results = tiny.transcribe_batch(clips)
    assert len(sequential) == 3
    for reference, result in zip(SENTENCES[11:14], results, strict=True):
        assert wer(reference, result.text) <= 0.35, result.text


def test_single_clip_takes_the_sequential_path(
    tiny: WhisperAsr, english: list[Waveform], monkeypatch: pytest.MonkeyPatch
) -> None:
    batched = _spy(monkeypatch, tiny, "_decode_one_window")
    [result] = tiny.transcribe_batch([english[0]])
    assert batched == []
    assert result == tiny.transcribe(english[0])
    assert tiny.transcribe_batch([]) == []


def test_bad_waveform_is_rejected(tiny: WhisperAsr, english: list[Waveform]) -> None:
    with pytest.raises(ValueError, match="mono 1-D"):
        tiny.transcribe_batch([english[0], np.zeros((2, 100), np.float32)])


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        # No timestamps at all: one segment over the whole window (frames / 100 s).
        ([5, 6], [(0.0, 1.5, [5, 6])]),
        # <|0.00|> a b <|1.00|>: one segment ending at the last timestamp.
        ([100, 5, 6, 150], [(0.0, 1.0, [100, 5, 6, 150])]),
        # Two finished segments: cut between the timestamp pair.
        ([100, 5, 120, 120, 6, 140], [(0.0, 0.4, [100, 5, 120]), (0.4, 0.8, [120, 6, 140])]),
        # Stopped inside a segment that starts before the audio ends: needs a second window.
        ([100, 5, 120, 120, 6], None),
        # ... unless that segment would start past the end of the audio.
        ([100, 5, 180, 180, 6], [(0.0, 1.6, [100, 5, 180])]),
    ],
)
def test_split_at_timestamps(
    tokens: list[int], expected: list[tuple[float, float, list[int]]] | None
) -> None:
    got = asr._split_at_timestamps(tokens, first_timestamp=100, frames=150)
    if expected is None:
        assert got is None
    else:
        assert got is not None
        assert [(pytest.approx(a), pytest.approx(b), t) for a, b, t in got] == expected


async def test_registry_batches_concurrent_requests(english: list[Waveform]) -> None:
    registry = ModelRegistry()
    registry.register(asr_spec("asr-en", packaged_whisper_tiny_en(), device="cpu", beam_size=2))
    try:
        results = await asyncio.gather(*(registry.run("asr-en", clip) for clip in english))
        for reference, result in zip(SENTENCES, results, strict=True):
            assert isinstance(result, Transcript)
            assert wer(reference, result.text) <= 0.35, (reference, result.text)
        [info] = registry.loaded()
        assert info.stats is not None
        assert info.stats.served == len(english) == 16
        assert info.stats.batches < len(english)
        assert info.stats.mean_batch_size > 1
    finally:
        await registry.close()
