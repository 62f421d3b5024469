"""Reading the WAV files that command-line synthesizers write."""

from __future__ import annotations

import wave
from pathlib import Path

from models.tts.speech import Speech, TtsError, pcm16_to_float


def read_wav(path: Path) -> Speech:
    """A 16-bit PCM WAV (mono, or the first channel of several) -> ``Speech``."""
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getsampwidth() != 2:
                raise TtsError(f"{path.name}: expected 16-bit PCM, got {wav.getsampwidth() * 8}")
            channels = wav.getnchannels()
            rate = wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError, FileNotFoundError) as error:
        raise TtsError(f"the synthesizer wrote no readable WAV: {error}") from error
    samples = pcm16_to_float(frames)[::channels]
    if samples.size == 0:
        raise TtsError("the synthesizer produced no audio")
    return Speech(samples, rate)
