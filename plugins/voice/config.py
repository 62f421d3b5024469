"""``[plugins.voice]`` in config.toml: which models listen and speak, and the limits."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models.tts import ENGINES


class VoiceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # -- listening ---------------------------------------------------------------------------
    # "whisper-base" (packaged, RU+EN), "tiny.en" (packaged, English only, fast), or the path
    # of any CTranslate2 Whisper folder.
    asr_model: str = "whisper-base"
    device: str = "auto"
    beam_size: int = Field(default=5, ge=1, le=10)
    max_duration_s: float = Field(default=300.0, gt=0)
    max_file_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    # Audio longer than this gets a "transcribing…" note first, so a long wait is explained.
    long_audio_s: float = Field(default=20.0, ge=0)

    # -- speaking ----------------------------------------------------------------------------
    # Engines per language, best first; espeak-ng is always tried last.
    tts: dict[str, list[str]] = Field(
        default_factory=lambda: {"en": ["piper"], "ru": ["festival"]}
    )
    # The Python of the virtualenv that holds piper-tts ("" = .venv-piper beside Sova), and
    # another Piper voice (.onnx with its .onnx.json beside it; "" = en_US-joe-medium).
    piper_python: str = ""
    piper_voice: str = ""
    # Answer a voice message with voice even when voice replies are off in /settings.
    answer_voice_with_voice: bool = True
    # Longer replies stay text only: minutes of synthetic speech help nobody.
    max_spoken_chars: int = Field(default=1000, gt=0)

    @field_validator("tts")
    @classmethod
    def _known_engines(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for lang, names in value.items():
            unknown = [name for name in names if name not in ENGINES]
            if unknown:
                raise ValueError(
                    f"tts.{lang}: unknown engine(s) {', '.join(unknown)}; "
                    f"known: {', '.join(ENGINES)}"
                )
        return value
