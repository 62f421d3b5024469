"""Audio in and out for the speech models: bytes of a voice message <-> 16 kHz mono waveform.

- ``decode_audio(data)``: OGG/Opus (Telegram voice), MP3, M4A/AAC, WAV, FLAC (anything FFmpeg
  reads) -> float32 mono 16 kHz numpy waveform and its duration. PyAV decodes (its wheel bundles
  FFmpeg with libopus, no system FFmpeg needed); torchaudio resamples.
- ``encode_ogg_opus(waveform, sample_rate)``: the other way, for voice replies (Telegram voice
  notes are OGG/Opus).

Failures are ``AudioError`` subclasses whose ``str()`` is a short message meant for the user
(English; ``code`` is a stable key for translating it).

Heavy imports (PyAV, torch) happen inside the functions: importing ``models`` stays cheap.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import numpy.typing as npt

TARGET_RATE = 16_000
# Opus encodes only these input rates; anything else is resampled to 48 kHz first.
_OPUS_RATES = (8_000, 12_000, 16_000, 24_000, 48_000)

Waveform = npt.NDArray[np.float32]


class AudioError(ValueError):
    """Base class: the audio could not be turned into a waveform. ``str(exc)`` is for the user."""

    code = "audio_error"


class EmptyAudio(AudioError):
    code = "audio_empty"

    def __init__(
        self, message: str = "The audio is empty: there is nothing to listen to."
    ) -> None:
        super().__init__(message)


class CorruptAudio(AudioError):
    code = "audio_corrupt"

    def __init__(
        self,
        message: str = "I could not read this audio: the file looks damaged or is not audio.",
    ) -> None:
        super().__init__(message)


class UnsupportedAudio(AudioError):
    code = "audio_unsupported"

    def __init__(
        self,
        message: str = (
            "This audio format is not supported. Please send a voice message or an "
            "OGG, MP3, M4A, WAV or FLAC file."
        ),
    ) -> None:
        super().__init__(message)


class AudioTooLong(AudioError):
    code = "audio_too_long"

    def __init__(self, duration_s: float, max_duration_s: float) -> None:
        self.duration_s = duration_s
        self.max_duration_s = max_duration_s
        super().__init__(
            f"The audio is too long (over {_fmt_duration(max_duration_s)}). "
            f"Please send at most {_fmt_duration(max_duration_s)}."
        )


def _fmt_duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def decode_audio(data: bytes, *, max_duration_s: float | None = 600.0) -> tuple[Waveform, float]:
    """Decode any FFmpeg-readable audio to (float32 mono 16 kHz waveform, duration in seconds).

    Stops decoding as soon as the audio is longer than ``max_duration_s`` (None: no limit), so
    a huge upload costs little. Raises ``EmptyAudio``, ``CorruptAudio``, ``UnsupportedAudio``
    or ``AudioTooLong``.
    """
    if not data:
        raise EmptyAudio()
    import av
    import av.error

    chunks: list[npt.NDArray[np.float32]] = []
    source_rate = 0
    decoded = 0  # samples at source_rate
    try:
        container = av.open(io.BytesIO(data), mode="r")
    except av.error.FFmpegError as exc:
        raise CorruptAudio() from exc
    with container:
        if not container.streams.audio:
            raise UnsupportedAudio(
                "There is no sound track in this file. Please send a voice message or an "
                "audio file."
            )
        stream = container.streams.audio[0]
        if stream.codec_context is None or not stream.codec_context.codec.is_decoder:
            raise UnsupportedAudio()
        # Cheap early check when the container knows its duration (Telegram OGG, WAV, M4A).
        if max_duration_s is not None and stream.duration is not None and stream.time_base:
            declared = float(stream.duration * stream.time_base)
            if declared > max_duration_s + 0.5:
                raise AudioTooLong(declared, max_duration_s)
        resampler: Any = None
        try:
            for frame in container.decode(stream):
                if resampler is None:
                    source_rate = frame.sample_rate
                    # Planar float, channels and rate unchanged: we downmix and resample below.
                    resampler = av.AudioResampler(format="fltp", rate=source_rate)
                for out in resampler.resample(frame):
                    planes = out.to_ndarray().astype(np.float32, copy=False)
                    chunks.append(planes.mean(axis=0) if planes.shape[0] > 1 else planes[0])
                    decoded += planes.shape[1]
                if max_duration_s is not None and decoded > max_duration_s * source_rate:
                    raise AudioTooLong(decoded / source_rate, max_duration_s)
            if resampler is not None:
                for out in resampler.resample(None):
                    planes = out.to_ndarray().astype(np.float32, copy=False)
                    chunks.append(planes.mean(axis=0) if planes.shape[0] > 1 else planes[0])
        except av.error.DecoderNotFoundError as exc:
            raise UnsupportedAudio() from exc
        except av.error.FFmpegError as exc:
            raise CorruptAudio() from exc

    if not chunks or source_rate <= 0:
        # A valid container with no decodable audio frames, e.g. a header alone.
        raise EmptyAudio()
    mono = np.concatenate(chunks).astype(np.float32, copy=False)
    if mono.size == 0:
        raise EmptyAudio()
    waveform = _resample(mono, source_rate, TARGET_RATE)
    duration = waveform.shape[0] / TARGET_RATE
    if max_duration_s is not None and duration > max_duration_s:
        raise AudioTooLong(duration, max_duration_s)
    return waveform, duration


def _resample(waveform: Waveform, source_rate: int, target_rate: int) -> Waveform:
    if source_rate == target_rate:
        return np.ascontiguousarray(waveform, dtype=np.float32)
    import torch
    import torchaudio.functional as taf  # type: ignore[import-untyped]

    tensor = torch.from_numpy(np.ascontiguousarray(waveform, dtype=np.float32))
    resampled = taf.resample(tensor, source_rate, target_rate)
    out: Waveform = resampled.numpy().astype(np.float32, copy=False)
    return out


def encode_ogg_opus(waveform: npt.ArrayLike, sample_rate: int, *, bitrate: int = 32_000) -> bytes:
    """Mono float waveform (values in [-1, 1]) -> OGG/Opus bytes, as Telegram voice notes are."""
    import av

    samples = np.asarray(waveform, dtype=np.float32)
    if samples.ndim != 1:
        raise ValueError(f"encode_ogg_opus wants a mono 1-D waveform, got shape {samples.shape}")
    if samples.size == 0:
        raise ValueError("encode_ogg_opus got an empty waveform")
    if sample_rate <= 0:
        raise ValueError(f"sample_rate must be > 0, got {sample_rate}")
    if sample_rate not in _OPUS_RATES:
        samples = _resample(samples, sample_rate, 48_000)
        sample_rate = 48_000
    samples = np.clip(samples, -1.0, 1.0)

    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=sample_rate, layout="mono")
        stream.bit_rate = bitrate
        frame = av.AudioFrame.from_ndarray(samples[np.newaxis, :], format="flt", layout="mono")
        frame.sample_rate = sample_rate
        # PyAV re-chunks the frame to the encoder's frame size (20 ms for Opus).
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()
