"""Speech recognition: Whisper (CTranslate2 via faster-whisper) on 16 kHz mono waveforms.

- ``packaged_whisper_base(cache_dir)`` / ``packaged_whisper_tiny_en()``: the shipped weights
  (``models.whisper_weights``, re-exported here).
- ``WhisperAsr``: ``transcribe(waveform) -> Transcript``, VAD on, language detection restricted
  to the configured languages. ``transcribe_batch(waveforms)`` gives the same transcripts, but
  clips with up to 30 s of speech (one Whisper window) share one batched beam search (on GPU
  one encoder pass too), each clip in its own language (faster-whisper's
  ``BatchedInferencePipeline`` wants one language per batch, and cuts long audio differently).
  Longer clips, and batched results that look degenerate, take ``transcribe``'s path, which has
  faster-whisper's temperature fallback.
- ``asr_spec(...)``: a ``ModelSpec`` so ``ModelRegistry`` serves it; a batch of concurrent
  requests goes through ``transcribe_batch``.

Audio bytes become waveforms with ``models.audio.decode_audio``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from models.audio import TARGET_RATE
from models.spec import ModelSpec
from models.whisper_weights import packaged_whisper_base, packaged_whisper_tiny_en

__all__ = [
    "AsrRequest",
    "Segment",
    "Transcript",
    "WhisperAsr",
    "asr_spec",
    "packaged_whisper_base",
    "packaged_whisper_tiny_en",
]

# --- recognition ---------------------------------------------------------------------------

# Where faster-whisper stops trusting a beam-search result and retries with temperature
# sampling (its defaults). The batched pass has no such retry, so a result past either limit
# is redone by the sequential path, which has.
_MAX_COMPRESSION_RATIO = 2.4
_MIN_AVG_LOGPROB = -1.0
# faster-whisper's default max_initial_timestamp (1 s) in 0.02 s timestamp steps.
_MAX_INITIAL_TIMESTAMP_INDEX = 50
_TIMESTAMP_S = 0.02  # one Whisper timestamp token step
_FRAME_S = 0.01  # one log-mel frame (hop 160 at 16 kHz)
_FRAMES_PER_TIMESTAMP = 2


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


# Called from the model's thread with the fraction of speech transcribed so far (0..1).
Progress = Callable[[float], None]


@dataclass(frozen=True)
class AsrRequest:
    """A waveform to transcribe, and who wants to hear how far along it is (long audio)."""

    waveform: npt.NDArray[np.float32]
    progress: Progress | None = None


@dataclass(frozen=True)
class _Speech:
    """What Silero VAD kept of one waveform."""

    audio: npt.NDArray[np.float32]  # the speech chunks joined; empty for silence
    chunks: list[dict[str, int]]  # their sample ranges in the original waveform
    duration_s: float  # of the original waveform


def _split_device(device: str) -> tuple[str, int]:
    """'cuda:1' -> ('cuda', 1); faster-whisper takes the index separately."""
    kind, _, index = device.partition(":")
    return kind, int(index) if index else 0


def _split_at_timestamps(
    tokens: list[int], first_timestamp: int, frames: int
) -> list[tuple[float, float, list[int]]] | None:
    """One decoded window -> ``(start_s, end_s, tokens)`` segments, cut the way faster-whisper
    cuts them (at pairs of timestamp tokens).

    ``None`` when faster-whisper would decode a further window: the model stopped inside an
    unfinished segment that starts before the end of the audio (``frames`` mel frames).
    """
    cuts = [
        i
        for i in range(1, len(tokens))
        if tokens[i] >= first_timestamp and tokens[i - 1] >= first_timestamp
    ]
    if not cuts:
        stamps = [t for t in tokens if t >= first_timestamp]
        if stamps and stamps[-1] != first_timestamp:
            return [(0.0, (stamps[-1] - first_timestamp) * _TIMESTAMP_S, tokens)]
        return [(0.0, frames * _FRAME_S, tokens)]
    ends_with_single = len(tokens) >= 2 and tokens[-2] < first_timestamp <= tokens[-1]
    if ends_with_single:
        cuts.append(len(tokens))
    elif (tokens[cuts[-1] - 1] - first_timestamp) * _FRAMES_PER_TIMESTAMP < frames:
        return None
    segments, start = [], 0
    for cut in cuts:
        piece = tokens[start:cut]
        begin, end = piece[0] - first_timestamp, piece[-1] - first_timestamp
        segments.append((begin * _TIMESTAMP_S, end * _TIMESTAMP_S, piece))
        start = cut
    return segments


class WhisperAsr:
    """One faster-whisper model. ``transcribe`` and ``transcribe_batch`` are blocking and not
    meant to be called from several threads at once (the registry's batcher runs one batch at
    a time)."""

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
        self._tokenizers: dict[str, Any] = {}

    # -- one request -------------------------------------------------------------------------

    def transcribe(self, waveform: npt.ArrayLike, progress: Progress | None = None) -> Transcript:
        """Mono float32 16 kHz waveform (as ``decode_audio`` returns) -> ``Transcript``.
        ``progress`` gets the fraction of the speech done (0..1) after each segment."""
        return self._transcribe_speech(self._speech(waveform), progress)

    def detect_language(self, speech: npt.NDArray[np.float32]) -> tuple[str, float]:
        """Best of the configured languages by Whisper's probabilities (first 30 s)."""
        if not self.multilingual or len(self.languages) == 1:
            return self.languages[0], 1.0
        _, _, all_probs = self._model.detect_language(audio=speech)
        return self._best_language(all_probs)

    def _best_language(self, all_probs: Sequence[tuple[str, float]]) -> tuple[str, float]:
        probs = {lang: float(p) for lang, p in all_probs}
        best = max(self.languages, key=lambda lang: probs.get(lang, 0.0))
        return best, probs.get(best, 0.0)

    def _speech(self, waveform: npt.ArrayLike) -> _Speech:
        """Check the waveform's shape and keep only what Silero VAD hears as speech."""
        from faster_whisper.vad import (  # type: ignore[import-untyped]
            VadOptions,
            collect_chunks,
            get_speech_timestamps,
        )

        audio = np.ascontiguousarray(waveform, dtype=np.float32)
        if audio.ndim != 1:
            raise ValueError(f"transcribe wants a mono 1-D waveform, got shape {audio.shape}")
        duration = audio.shape[0] / TARGET_RATE
        chunks = get_speech_timestamps(audio, VadOptions()) if audio.size else []
        if not chunks:
            return _Speech(np.zeros(0, dtype=np.float32), [], duration)
        pieces, _ = collect_chunks(audio, chunks)
        return _Speech(np.concatenate(pieces).astype(np.float32, copy=False), chunks, duration)

    def _transcribe_speech(self, speech: _Speech, progress: Progress | None = None) -> Transcript:
        """faster-whisper's own decoding (any length, temperature fallback) of VAD output."""
        from faster_whisper.vad import SpeechTimestampsMap

        if speech.audio.size == 0:
            return Transcript("", self.languages[0], 0.0, speech.duration_s, 0.0)
        language, language_probability = self.detect_language(speech.audio)
        # VAD already ran: faster-whisper's vad_filter would run it again on the same audio
        # and feed the same joined chunks to the model. Its timestamps are mapped back to
        # the original waveform here, as its vad_filter does.
        raw_segments, _info = self._model.transcribe(
            speech.audio, language=language, beam_size=self.beam_size, vad_filter=False
        )
        timeline = SpeechTimestampsMap(speech.chunks, TARGET_RATE)
        speech_s = speech.audio.size / TARGET_RATE
        segments = []
        for s in raw_segments:  # a generator: decoding happens here, segment by segment
            segments.append(
                Segment(
                    start=float(timeline.get_original_time(s.start)),
                    end=float(timeline.get_original_time(s.end, is_end=True)),
                    text=s.text.strip(),
                    avg_logprob=float(s.avg_logprob),
                    no_speech_prob=float(s.no_speech_prob),
                )
            )
            if progress is not None:
                progress(min(1.0, float(s.end) / speech_s))
        return self._transcript(segments, language, language_probability, speech.duration_s)

    @staticmethod
    def _transcript(
        segments: Sequence[Segment], language: str, language_probability: float, duration: float
    ) -> Transcript:
        kept = tuple(s for s in segments if s.text)
        confidence = math.exp(sum(s.avg_logprob for s in kept) / len(kept)) if kept else 0.0
        return Transcript(
            text=" ".join(s.text for s in kept).strip(),
            language=language,
            language_probability=language_probability,
            duration_s=duration,
            confidence=min(1.0, confidence),
            segments=kept,
        )

    # -- several requests ---------------------------------------------------------------------

    def transcribe_batch(
        self,
        waveforms: Sequence[npt.ArrayLike],
        progress: Sequence[Progress | None] | None = None,
    ) -> list[Transcript]:
        """One ``Transcript`` per waveform, in input order.

        Clips with at most 30 s of speech (one Whisper window) are decoded together in one
        beam search, each in its own language. Longer clips, a lone short
        clip, and batched results that look degenerate go through ``transcribe``'s path.
        """
        speeches = [self._speech(w) for w in waveforms]
        reporters = list(progress) if progress is not None else [None] * len(speeches)
        window_samples = self._model.feature_extractor.n_samples
        short = [i for i, s in enumerate(speeches) if 0 < s.audio.size <= window_samples]
        batched: dict[int, Transcript | None] = {}
        if len(short) > 1:
            decoded = self._decode_one_window([speeches[i] for i in short])
            batched = dict(zip(short, decoded, strict=True))
        return [
            batched.get(i) or self._transcribe_speech(speech, reporters[i])
            for i, speech in enumerate(speeches)
        ]

    def _decode_one_window(self, speeches: Sequence[_Speech]) -> list[Transcript | None]:
        """Clips of <= 30 s speech through the encoder and one batched beam search; ``None``
        for a clip whose result needs faster-whisper's fallback or a second window."""
        windows = [self._window_features(s.audio) for s in speeches]
        encoded = self._encode([features for features, _ in windows])
        languages = self._window_languages(encoded, len(speeches))
        tokenizers = [self._tokenizer(language) for language, _ in languages]
        results = self._model.model.generate(
            encoded,
            [tokenizer.sot_sequence for tokenizer in tokenizers],
            beam_size=self.beam_size,
            max_length=self._model.max_length,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=self._suppressed_tokens(tokenizers[0]),
            max_initial_timestamp_index=_MAX_INITIAL_TIMESTAMP_INDEX,
        )
        return [
            self._window_transcript(speech, result, tokenizer, language, frames)
            for speech, (_, frames), result, tokenizer, language in zip(
                speeches, windows, results, tokenizers, languages, strict=True
            )
        ]

    def _window_features(
        self, speech: npt.NDArray[np.float32]
    ) -> tuple[npt.NDArray[np.float32], int]:
        """Log-mel input of one window and its number of real frames, built as faster-whisper
        builds its first window: the frame from its 160-sample end padding is dropped, then
        the features are zero-padded to 30 s."""
        from faster_whisper.audio import pad_or_trim  # type: ignore[import-untyped]

        mel = self._model.feature_extractor(speech)[:, :-1]
        return pad_or_trim(mel), int(mel.shape[-1])

    def _encode(self, windows: Sequence[npt.NDArray[np.float32]]) -> Any:
        """Encoder output of several 30 s windows, as one batch for the decoder."""
        if self._model.model.device != "cpu":
            return self._model.encode(np.stack(windows))
        import ctranslate2  # type: ignore[import-untyped]

        # On CPU the encoder costs the same per window in a batch, and a stacked batch's
        # attention buffers (~70 MB per window) spill out of cache: window by window measured
        # 10-20 % faster for 4-8 clips, with bit-identical outputs. The decoder still runs
        # batched, which is where batching pays.
        outputs = [np.asarray(self._model.encode(window)) for window in windows]
        return ctranslate2.StorageView.from_array(np.concatenate(outputs))

    def _window_languages(self, encoded: Any, count: int) -> list[tuple[str, float]]:
        if not self.multilingual or len(self.languages) == 1:
            return [(self.languages[0], 1.0)] * count
        # Tokens come as "<|en|>"; faster-whisper strips the markers the same way.
        return [
            self._best_language([(token[2:-2], p) for token, p in probs])
            for probs in self._model.model.detect_language(encoded)
        ]

    def _tokenizer(self, language: str) -> Any:
        from faster_whisper.tokenizer import Tokenizer  # type: ignore[import-untyped]

        if language not in self._tokenizers:
            self._tokenizers[language] = Tokenizer(
                self._model.hf_tokenizer, self.multilingual, task="transcribe", language=language
            )
        return self._tokenizers[language]

    @staticmethod
    def _suppressed_tokens(tokenizer: Any) -> list[int]:
        """faster-whisper's default suppress list (the same for every language)."""
        from faster_whisper.transcribe import get_suppressed_tokens  # type: ignore[import-untyped]

        return list(get_suppressed_tokens(tokenizer, [-1]))

    def _window_transcript(
        self,
        speech: _Speech,
        result: Any,
        tokenizer: Any,
        language: tuple[str, float],
        frames: int,
    ) -> Transcript | None:
        from faster_whisper.transcribe import get_compression_ratio
        from faster_whisper.vad import SpeechTimestampsMap

        tokens = list(result.sequences_ids[0])
        # The score is the summed log-prob over the tokens (length penalty 1); faster-whisper
        # averages it over the tokens plus the end-of-text token.
        avg_logprob = float(result.scores[0]) * len(tokens) / (len(tokens) + 1)
        ratio = get_compression_ratio(tokenizer.decode(tokens).strip())
        if avg_logprob <= _MIN_AVG_LOGPROB or ratio > _MAX_COMPRESSION_RATIO:
            return None
        pieces = _split_at_timestamps(tokens, tokenizer.timestamp_begin, frames)
        if pieces is None:
            return None
        timeline = SpeechTimestampsMap(speech.chunks, TARGET_RATE)
        segments = [
            Segment(
                start=float(timeline.get_original_time(start)),
                end=float(timeline.get_original_time(end, is_end=True)),
                text=tokenizer.decode(piece).strip(),
                avg_logprob=avg_logprob,
                no_speech_prob=float(result.no_speech_prob),
            )
            for start, end, piece in pieces
            if start != end  # faster-whisper drops zero-length segments too
        ]
        return self._transcript(segments, *language, speech.duration_s)

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
) -> ModelSpec[WhisperAsr, AsrRequest | npt.NDArray[np.float32], Transcript]:
    """A registry spec: request = 16 kHz mono float32 waveform, result = ``Transcript``.

    A batch goes through ``WhisperAsr.transcribe_batch``: concurrent short voice messages
    share one model pass. ``timeout_s`` counts queue wait, so it is generous: speech is slow
    on CPU.
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

    def infer(
        model: WhisperAsr, batch: list[AsrRequest | npt.NDArray[np.float32]]
    ) -> list[Transcript]:
        requests = [r if isinstance(r, AsrRequest) else AsrRequest(r) for r in batch]
        return model.transcribe_batch(
            [r.waveform for r in requests], [r.progress for r in requests]
        )

    return ModelSpec(
        name=name,
        loader=load,
        infer=infer,
        device=device,
        max_batch=max_batch,
        timeout_s=timeout_s,
        warmup=WhisperAsr.warmup if warmup else None,
    )
