"""models.audio: audio files to 16 kHz mono, errors meant for users, OGG/Opus out."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from models.audio import (
    AudioError,
    AudioTooLong,
    CorruptAudio,
    EmptyAudio,
    UnsupportedAudio,
    decode_audio,
    encode_ogg_opus,
)


def sine(seconds: float, rate: int, freq: float = 440.0) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def wav_bytes(samples: np.ndarray, rate: int, channels: int = 1) -> bytes:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    if channels > 1:
        pcm = np.repeat(pcm[:, None], channels, axis=1)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


def encode_with_av(samples: np.ndarray, rate: int, fmt: str, codec: str) -> bytes:
    import av

    buf = io.BytesIO()
    with av.open(buf, mode="w", format=fmt) as container:
        stream = container.add_stream(codec, rate=rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(samples[np.newaxis, :], format="flt", layout="mono")
        frame.sample_rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return buf.getvalue()


def dominant_freq(waveform: np.ndarray, rate: int = 16_000) -> float:
    spectrum = np.abs(np.fft.rfft(waveform))
    return float(np.fft.rfftfreq(len(waveform), 1 / rate)[spectrum.argmax()])


@pytest.mark.parametrize(("rate", "channels"), [(44_100, 1), (48_000, 2), (16_000, 1), (8_000, 1)])
def test_wav_to_16k_mono(rate: int, channels: int) -> None:
    waveform, duration = decode_audio(wav_bytes(sine(1.5, rate), rate, channels))
    assert waveform.dtype == np.float32
    assert waveform.ndim == 1
    assert duration == pytest.approx(1.5, abs=0.01)
    assert len(waveform) == pytest.approx(24_000, abs=10)
    assert dominant_freq(waveform) == pytest.approx(440, abs=2)
    assert 0.4 < np.abs(waveform).max() < 0.6


def test_ogg_opus_round_trip() -> None:
    data = encode_ogg_opus(sine(2.0, 44_100), 44_100)
    assert data[:4] == b"OggS"
    assert b"OpusHead" in data[:200]
    waveform, duration = decode_audio(data)
    assert duration == pytest.approx(2.0, abs=0.03)
    assert len(waveform) == pytest.approx(32_000, abs=500)
    assert dominant_freq(waveform) == pytest.approx(440, abs=2)


def test_encode_ogg_opus_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        encode_ogg_opus(np.zeros(0, np.float32), 48_000)
    with pytest.raises(ValueError):
        encode_ogg_opus(np.zeros((2, 100), np.float32), 48_000)


@pytest.mark.parametrize(
    ("fmt", "codec"), [("mp3", "libmp3lame"), ("ipod", "aac"), ("flac", "flac")]
)
def test_other_formats(fmt: str, codec: str) -> None:
    data = encode_with_av(sine(1.0, 44_100), 44_100, fmt, codec)
    waveform, duration = decode_audio(data)
    # Encoder padding (MP3, AAC priming) may add a few tens of milliseconds.
    assert duration == pytest.approx(1.0, abs=0.08)
    assert dominant_freq(waveform) == pytest.approx(440, abs=3)


def test_empty() -> None:
    with pytest.raises(EmptyAudio) as err:
        decode_audio(b"")
    assert "empty" in str(err.value)


@pytest.mark.parametrize(
    "data", [b"garbage" * 100, b"\x00" * 4000, b"RIFF\x10\x00\x00\x00WAVEfmt "]
)
def test_corrupt(data: bytes) -> None:
    with pytest.raises((CorruptAudio, EmptyAudio)) as err:
        decode_audio(data)
    assert isinstance(err.value, AudioError)
    assert str(err.value)


def test_damaged_ogg_header_gets_a_clear_error() -> None:
    data = encode_ogg_opus(sine(2.0, 48_000), 48_000)
    # FFmpeg's probe decides what a damaged header looks like: unreadable, or readable with
    # no audio track (it varies with the stream's random Ogg serial number). Either way the
    # user gets a clear reply, never garbage audio.
    with pytest.raises((CorruptAudio, UnsupportedAudio)):
        decode_audio(b"\xff" * 50 + data[50:])


def test_no_audio_track_is_unsupported() -> None:
    import av

    buf = io.BytesIO()
    with av.open(buf, mode="w", format="matroska") as container:
        stream = container.add_stream("mpeg4", rate=1)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        frame = av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), np.uint8), format="rgb24")
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    with pytest.raises(UnsupportedAudio) as err:
        decode_audio(buf.getvalue())
    assert "no sound" in str(err.value)


def test_too_long() -> None:
    data = wav_bytes(sine(3.0, 16_000), 16_000)
    with pytest.raises(AudioTooLong) as err:
        decode_audio(data, max_duration_s=2)
    assert err.value.max_duration_s == 2
    assert "too long" in str(err.value)
    # The same audio within the limit, and with no limit.
    assert decode_audio(data, max_duration_s=5)[1] == pytest.approx(3.0)
    assert decode_audio(data, max_duration_s=None)[1] == pytest.approx(3.0)


def test_too_long_without_declared_duration() -> None:
    # A raw MP3 stream has no header duration: the limit is enforced while decoding.
    data = encode_with_av(sine(3.0, 44_100), 44_100, "mp3", "libmp3lame")
    with pytest.raises(AudioTooLong):
        decode_audio(data, max_duration_s=1)
