"""models.asr: packaged Whisper weights, language-restricted transcription, the registry spec.

Round trips use real models and espeak-ng speech (robotic, so the English check is a WER
bound and the Russian one only checks the detected language).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from models import ModelRegistry, whisper_weights
from models.asr import (
    Transcript,
    WhisperAsr,
    asr_spec,
    packaged_whisper_base,
    packaged_whisper_tiny_en,
)
from models.audio import decode_audio, encode_ogg_opus

EN_TEXT = "remind me in five minutes to drink water"
RU_TEXT = "напомни мне через пять минут выпить воды"
_NUMBERS = {"5": "five", "1": "one", "2": "two", "3": "three", "10": "ten"}


def normalise(text: str) -> list[str]:
    words = re.sub(r"[^\w\s]", " ", text.lower()).split()
    return [_NUMBERS.get(w, w) for w in words]


def wer(reference: str, hypothesis: str) -> float:
    ref, hyp = normalise(reference), normalise(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / max(1, len(ref))


def test_wer_helper() -> None:
    assert wer(EN_TEXT, "Remind me in 5 minutes to drink water.") == 0
    assert wer("a b c d", "a x c") == 0.5


def speak(tmp: Path, voice: str, text: str) -> bytes:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng): no test speech")
    out = tmp / f"{voice}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(out), text], check=True, timeout=30)
    return out.read_bytes()


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("asr-cache")


@pytest.fixture(scope="module")
def base_model(cache_dir: Path) -> WhisperAsr:
    return WhisperAsr(packaged_whisper_base(cache_dir))


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> dict[str, np.ndarray]:
    tmp = tmp_path_factory.mktemp("speech")
    return {
        "en": decode_audio(speak(tmp, "en", EN_TEXT))[0],
        "ru": decode_audio(speak(tmp, "ru", RU_TEXT))[0],
    }


def test_packaged_base_is_joined_once(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = packaged_whisper_base(cache_dir)
    assert folder == cache_dir / "whisper-base"
    for name in ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt"):
        assert (folder / name).is_file()
    assert not list(folder.glob("*.tmp"))
    stat = (folder / "model.bin").stat()

    def no_join(*args: object) -> str:
        raise AssertionError("model.bin was joined again")

    monkeypatch.setattr(whisper_weights, "_join_parts", no_join)
    assert packaged_whisper_base(cache_dir) == folder
    again = (folder / "model.bin").stat()
    assert (again.st_ino, again.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)


def test_packaged_base_repairs_damage(tmp_path: Path) -> None:
    folder = packaged_whisper_base(tmp_path)
    model_bin = folder / "model.bin"
    size = model_bin.stat().st_size
    # Interrupted copy / truncated file: joined again.
    with model_bin.open("r+b") as f:
        f.truncate(size // 2)
    packaged_whisper_base(tmp_path)
    assert model_bin.stat().st_size == size
    # Same size, different content and mtime: the sha256 check catches it.
    with model_bin.open("r+b") as f:
        f.seek(1000)
        f.write(b"\x00" * 16)
    sha_before = (folder / "model.bin.verified.json").read_text()
    packaged_whisper_base(tmp_path)
    assert whisper_weights._sha256(model_bin) in sha_before
    # Touched only: re-hashed once, not re-joined.
    model_bin.touch()
    ino = model_bin.stat().st_ino
    packaged_whisper_base(tmp_path)
    assert model_bin.stat().st_ino == ino


def test_english_round_trip(base_model: WhisperAsr, speech: dict[str, np.ndarray]) -> None:
    result = base_model.transcribe(speech["en"])
    assert isinstance(result, Transcript)
    assert result.language == "en"
    assert wer(EN_TEXT, result.text) <= 0.3, result.text
    assert 0 < result.confidence <= 1
    assert result.duration_s == pytest.approx(len(speech["en"]) / 16_000)
    assert result.segments


def test_english_through_ogg_opus(base_model: WhisperAsr, speech: dict[str, np.ndarray]) -> None:
    waveform, _ = decode_audio(encode_ogg_opus(speech["en"], 16_000))
    assert wer(EN_TEXT, base_model.transcribe(waveform).text) <= 0.3


def test_russian_language_detected(base_model: WhisperAsr, speech: dict[str, np.ndarray]) -> None:
    assert base_model.transcribe(speech["ru"]).language == "ru"


def test_language_restricted_to_configured(
    base_model: WhisperAsr, speech: dict[str, np.ndarray]
) -> None:
    # Same loaded model, only English allowed: Russian speech is decoded as English.
    base_model.languages = ("en",)
    try:
        assert base_model.transcribe(speech["ru"]).language == "en"
    finally:
        base_model.languages = ("ru", "en")


def test_silence_is_empty(base_model: WhisperAsr) -> None:
    for waveform in (np.zeros(32_000, np.float32), np.zeros(0, np.float32)):
        result = base_model.transcribe(waveform)
        assert result.text == ""
        assert result.segments == ()
        assert result.confidence == 0.0


async def test_registry_serves_tiny_en(speech: dict[str, np.ndarray]) -> None:
    registry = ModelRegistry()
    registry.register(asr_spec("asr-en", packaged_whisper_tiny_en(), device="cpu", beam_size=1))
    try:
        result = await registry.run("asr-en", speech["en"])
        assert isinstance(result, Transcript)
        assert result.language == "en"
        assert wer(EN_TEXT, result.text) <= 0.3, result.text
        [info] = registry.loaded()
        assert info.loaded and info.device == "cpu"
    finally:
        await registry.close()
