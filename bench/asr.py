"""Speech benchmark: ASR word error rate and real-time factor, Sova's path vs plain faster-whisper.

    python -m bench.asr [--data ../shared/data/speech] [--out bench/out/asr.json]
                        [--models whisper-base tiny.en] [--tts-engines piper festival espeak-ng]
                        [--no-asr] [--no-tts]

Sova's path is what the voice plugin does per message: file bytes -> ``decode_audio`` -> the
model registry (``asr_spec``, micro-batcher, ``WhisperAsr``) -> ``Transcript.text``. The
baseline in the same run is plain faster-whisper with the same model folder (CPU, int8,
2 threads, VAD on, language detected by faster-whisper itself) on the same bytes. Requests go
one at a time, alternating which path goes first. RTF = compute seconds / audio seconds;
WER is corpus-level over Whisper's English normaliser (brackets turned into spaces first).

JSON: {"asr": {model: {"beam1": {"wer", "rtf"}, "beam5": {...}, "plain_faster_whisper":
{"beam1": {...}, "beam5": {...}}, "overhead_ratio", "overhead_ratio_clip_median",
"overhead_ratio_after_decoding", "wer_delta", "details", "load_s", "differences"}},
"tts": {engine: {"rtf", "mean_latency_ms", ...} or {"error"}}, "clips", "audio_s",
"settings", "environment"}
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import platform
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

import jiwer
from whisper_normalizer.english import EnglishTextNormalizer  # type: ignore[import-untyped]

from bench.asr_tts import ENGINES, bench_tts, print_tts_table
from bench.output import write_json
from models.asr import Transcript, asr_spec, packaged_whisper_base, packaged_whisper_tiny_en
from models.audio import decode_audio
from models.registry import ModelRegistry
from plugins.voice import VoiceConfig

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "speech"
# The voice plugin's cache: <data_dir>/models, data_dir = "var" in config.toml.
MODEL_CACHE = REPO / "var" / "models"
MODELS = ("whisper-base", "tiny.en")
BEAMS = (1, 5)
# The plain baseline; Sova's asr_spec defaults are the same (int8 on CPU, 2 threads).
COMPUTE_TYPE = "int8"
CPU_THREADS = 2
AUDIO_SUFFIXES = (".flac", ".wav", ".ogg", ".opus", ".mp3", ".m4a")
SOVA, PLAIN = "sova", "plain_faster_whisper"
# Whisper's normaliser deletes "(...)" and "[...]" with their contents, which would silently
# drop reference words; as spaces they only separate words.
_BRACKETS = str.maketrans(dict.fromkeys("()[]{}", " "))
_NORMALISER = EnglishTextNormalizer()


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def normalise(text: str) -> str:
    return str(_NORMALISER(text.translate(_BRACKETS)))


@dataclass(frozen=True)
class Clip:
    name: str
    reference: str
    data: bytes
    duration_s: float


@dataclass(frozen=True)
class Heard:
    """One transcription: what came out and how long it took."""

    text: str
    language: str
    seconds: float  # from file bytes to text
    decode_s: float  # of which decoding the file to a 16 kHz waveform


def _audio_file(folder: Path, name: str) -> Path:
    for suffix in AUDIO_SUFFIXES:
        candidate = folder / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no audio file for transcript {name!r} in {folder}")


def load_clips(root: Path) -> list[Clip]:
    """LibriSpeech folders (``*.trans.txt``: "ID TEXT") and folders of ``transcripts.tsv``
    ("ID<tab>TEXT"), the audio next to them as ID.flac / ID.wav / ..."""
    entries: list[tuple[Path, str, str]] = []
    for listing, separator in [
        *((p, " ") for p in sorted(root.rglob("*.trans.txt"))),
        *((p, "\t") for p in sorted(root.rglob("transcripts.tsv"))),
    ]:
        for line in listing.read_text(encoding="utf-8").splitlines():
            name, _, text = line.strip().partition(separator)
            if name and text.strip():
                entries.append((listing.parent, name, text.strip()))
    clips = []
    for folder, name, text in entries:
        data = _audio_file(folder, name).read_bytes()
        _, duration = decode_audio(data, max_duration_s=None)
        clips.append(Clip(name, text, data, duration))
    return clips


# --- the two paths ------------------------------------------------------------------------


async def sova_transcribe(registry: ModelRegistry, model: str, data: bytes) -> Heard:
    """As the voice plugin: decode in a thread, then the registry's batcher and model."""
    max_duration_s = VoiceConfig().max_duration_s
    started = time.perf_counter()
    waveform, _ = await asyncio.to_thread(decode_audio, data, max_duration_s=max_duration_s)
    decoded = time.perf_counter()
    transcript: Transcript = await registry.run(model, waveform)
    seconds = time.perf_counter() - started
    return Heard(transcript.text.strip(), transcript.language, seconds, decoded - started)


def plain_transcribe(model: Any, data: bytes, beam: int) -> Heard:
    """faster-whisper as its README shows it. Given a file, ``transcribe`` calls
    ``faster_whisper.decode_audio`` on it first; calling that here is the same work, timed."""
    from faster_whisper import (  # type: ignore[import-untyped]
        decode_audio as faster_whisper_decode,
    )

    started = time.perf_counter()
    waveform = faster_whisper_decode(io.BytesIO(data))
    decoded = time.perf_counter()
    segments, info = model.transcribe(waveform, beam_size=beam, vad_filter=True)
    text = "".join(segment.text for segment in segments).strip()  # the model runs here
    seconds = time.perf_counter() - started
    return Heard(text, str(info.language), seconds, decoded - started)


def model_source(model: str) -> tuple[Path | Callable[[], Path], tuple[str, ...]]:
    """The model folder (or the call that makes it) and languages, as the voice plugin has them."""
    if model == "whisper-base":
        return partial(packaged_whisper_base, MODEL_CACHE), ("ru", "en")
    if model == "tiny.en":
        return packaged_whisper_tiny_en, ("en",)
    raise ValueError(f"unknown model {model!r}; known: {', '.join(MODELS)}")


def _entry(model: str, beam: int) -> str:
    return f"{model}/beam{beam}"


async def run_model(model: str, clips: Sequence[Clip]) -> dict[str, Any]:
    from faster_whisper import WhisperModel

    source, languages = model_source(model)
    folder = source() if callable(source) else source
    registry = ModelRegistry()
    load_s: dict[str, float] = {}
    for beam in BEAMS:
        # device "cpu", not the plugin's "auto": both paths must run on the same hardware.
        spec = asr_spec(
            _entry(model, beam), source, device="cpu", languages=languages, beam_size=beam
        )
        registry.register(spec)
        started = time.perf_counter()
        await registry.get(spec.name)
        load_s[f"{SOVA}/beam{beam}"] = time.perf_counter() - started
    started = time.perf_counter()
    plain = WhisperModel(
        str(folder), device="cpu", compute_type=COMPUTE_TYPE, cpu_threads=CPU_THREADS
    )
    load_s[PLAIN] = time.perf_counter() - started

    heard: dict[tuple[str, int], list[Heard]] = {(p, b): [] for p in (SOVA, PLAIN) for b in BEAMS}
    try:
        warm = clips[0]
        progress(f"[{model}] warm-up on {warm.name}")
        for beam in BEAMS:
            await sova_transcribe(registry, _entry(model, beam), warm.data)
            plain_transcribe(plain, warm.data, beam)
        for i, clip in enumerate(clips):
            line = [f"[{model}] {i + 1}/{len(clips)} {clip.name} ({clip.duration_s:.1f} s)"]
            for j, beam in enumerate(BEAMS):
                # Alternate who goes first, so drifting machine noise hits both paths alike.
                order = (SOVA, PLAIN) if (i + j) % 2 == 0 else (PLAIN, SOVA)
                for path in order:
                    if path == SOVA:
                        result = await sova_transcribe(registry, _entry(model, beam), clip.data)
                    else:
                        result = plain_transcribe(plain, clip.data, beam)
                    heard[path, beam].append(result)
                sova, base = heard[SOVA, beam][-1], heard[PLAIN, beam][-1]
                line.append(f"beam{beam} sova {sova.seconds:.2f} s, plain {base.seconds:.2f} s")
            progress("  ".join(line))
    finally:
        await registry.close()
    return model_report(clips, heard, load_s)


# --- scoring ------------------------------------------------------------------------------


def score(clips: Sequence[Clip], heard: Sequence[Heard]) -> dict[str, Any]:
    """Corpus-level WER (all errors / all reference words) and RTF over every clip."""
    words = jiwer.process_words(
        [normalise(c.reference) for c in clips], [normalise(h.text) for h in heard]
    )
    errors = words.substitutions + words.deletions + words.insertions
    reference_words = words.substitutions + words.deletions + words.hits
    compute = sum(h.seconds for h in heard)
    audio = sum(c.duration_s for c in clips)
    return {
        "wer": errors / reference_words,
        "rtf": compute / audio,
        "errors": errors,
        "reference_words": reference_words,
        "compute_s": compute,
        "decode_s": sum(h.decode_s for h in heard),
        "mean_latency_s": compute / len(heard),
        "languages": dict(Counter(h.language for h in heard)),
    }


def model_report(
    clips: Sequence[Clip], heard: dict[tuple[str, int], list[Heard]], load_s: dict[str, float]
) -> dict[str, Any]:
    scores = {(path, beam): score(clips, h) for (path, beam), h in heard.items()}

    def headline(path: str, beam: int) -> dict[str, float]:
        return {"wer": scores[path, beam]["wer"], "rtf": scores[path, beam]["rtf"]}

    report: dict[str, Any] = {f"beam{b}": headline(SOVA, b) for b in BEAMS}
    report[PLAIN] = {f"beam{b}": headline(PLAIN, b) for b in BEAMS}
    report["overhead_ratio"] = {
        f"beam{b}": scores[SOVA, b]["rtf"] / scores[PLAIN, b]["rtf"] for b in BEAMS
    }
    # Per clip, the two paths ran back to back: the median of those paired ratios shrugs off
    # bursts of load from other processes better than the ratio of totals.
    report["overhead_ratio_clip_median"] = {
        f"beam{b}": statistics.median(
            s.seconds / p.seconds for s, p in zip(heard[SOVA, b], heard[PLAIN, b], strict=True)
        )
        for b in BEAMS
    }
    # The same ratio without file decoding: what the registry and WhisperAsr cost on their own.
    report["overhead_ratio_after_decoding"] = {
        f"beam{b}": (scores[SOVA, b]["compute_s"] - scores[SOVA, b]["decode_s"])
        / (scores[PLAIN, b]["compute_s"] - scores[PLAIN, b]["decode_s"])
        for b in BEAMS
    }
    report["wer_delta"] = {
        f"beam{b}": scores[SOVA, b]["wer"] - scores[PLAIN, b]["wer"] for b in BEAMS
    }
    report["details"] = {
        path: {f"beam{b}": scores[path, b] for b in BEAMS} for path in (SOVA, PLAIN)
    }
    report["load_s"] = load_s
    # Clips where the two paths heard different words: where a WER difference comes from.
    report["differences"] = [
        {
            "clip": clip.name,
            "beam": beam,
            "reference": normalise(clip.reference),
            SOVA: normalise(sova.text),
            PLAIN: normalise(base.text),
        }
        for beam in BEAMS
        for clip, sova, base in zip(clips, heard[SOVA, beam], heard[PLAIN, beam], strict=True)
        if normalise(sova.text) != normalise(base.text)
    ]
    return report


# --- report -------------------------------------------------------------------------------


def environment() -> dict[str, Any]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    packages = ("faster-whisper", "ctranslate2", "av", "torch", "torchaudio", "onnxruntime")
    versions: dict[str, str | None] = {}
    for package in (*packages, "jiwer", "whisper-normalizer"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
    }


def print_asr_table(report: dict[str, Any]) -> None:
    titles = ("Sova WER", "plain WER", "Sova RTF", "plain RTF", "ratio")
    print(f"{'model':<14}{'beam':>5}" + "".join(f"{t:>11}" for t in titles))
    for model, row in report.items():
        for beam in BEAMS:
            key = f"beam{beam}"
            sova, base = row[key], row[PLAIN][key]
            print(
                f"{model:<14}{beam:>5}{sova['wer']:>11.2%}{base['wer']:>11.2%}"
                f"{sova['rtf']:>11.3f}{base['rtf']:>11.3f}{row['overhead_ratio'][key]:>11.3f}"
            )
    for model, row in report.items():
        ratios = row["overhead_ratio_after_decoding"]
        medians = row["overhead_ratio_clip_median"]
        text = ", ".join(f"beam {b} {ratios[f'beam{b}']:.3f}" for b in BEAMS)
        median_text = ", ".join(f"beam {b} {medians[f'beam{b}']:.3f}" for b in BEAMS)
        print(f"{model} ratio without file decoding: {text}; per-clip median: {median_text}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "asr.json")
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS))
    parser.add_argument("--tts-engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--no-asr", action="store_true", help="skip speech recognition")
    parser.add_argument("--no-tts", action="store_true", help="skip speech synthesis")
    args = parser.parse_args(argv)
    data: Path = args.data if args.data.is_absolute() else (REPO / args.data)

    report: dict[str, Any] = {"asr": {}, "tts": {}}
    clips: list[Clip] = []
    if not args.no_asr:
        clips = load_clips(data) if data.is_dir() else []
        if not clips:
            print(f"no speech clips under {data}; skipping speech recognition.")
    if clips:
        audio_s = sum(c.duration_s for c in clips)
        progress(f"{len(clips)} clips, {audio_s:.1f} s of audio from {data}")
        for model in args.models:
            report["asr"][model] = asyncio.run(run_model(model, clips))
        report["clips"] = len(clips)
        report["audio_s"] = audio_s
        report["settings"] = {
            "device": "cpu",
            "compute_type": COMPUTE_TYPE,
            "cpu_threads": CPU_THREADS,
            "vad_filter": True,
            "requests": "sequential, one at a time; path order alternates per clip and beam",
        }
    if not args.no_tts:
        report["tts"] = bench_tts(args.tts_engines, progress)
    report["environment"] = environment()

    if report["asr"]:
        print_asr_table(report["asr"])
    if report["tts"]:
        print_tts_table(report["tts"])
    out: Path = args.out
    write_json(out, report)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
