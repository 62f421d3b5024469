"""Voice messages: speech recognition before the NLU, so speaking works exactly like typing.

A voice or audio message is downloaded from its channel, decoded to 16 kHz mono
(``models.audio``), transcribed by Whisper through the shared model registry (batched, off
the event loop), shown to the user as "🎤 …" so a misrecognition is visible, recorded as the
message's transcript, and handed on as text in the detected language.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from functools import partial
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.events import InboundMessage, MessageKind
from bot.plugins import Context, Plugin, TurnRejected, command, pre_stage
from bot.storage import InteractionLog
from models.asr import Transcript, asr_spec, packaged_whisper_base, packaged_whisper_tiny_en
from models.audio import AudioError, AudioTooLong, decode_audio

ASR_MODEL = "asr"
SPOKEN = (MessageKind.VOICE, MessageKind.AUDIO)


class VoiceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # "whisper-base" (packaged, RU+EN), "tiny.en" (packaged, English only, fast), or the path
    # of any CTranslate2 Whisper folder.
    asr_model: str = "whisper-base"
    device: str = "auto"
    beam_size: int = Field(default=5, ge=1, le=10)
    max_duration_s: float = Field(default=300.0, gt=0)
    max_file_bytes: int = Field(default=20 * 1024 * 1024, gt=0)


class Voice(Plugin):
    name = "voice"
    config_model = VoiceConfig

    async def setup(self) -> None:
        config = self.settings
        cache = self.runtime.settings.app.data_dir / "models"
        choice = config.asr_model
        path: Path | Callable[[], Path]
        languages: tuple[str, ...] = ("ru", "en")
        if choice == "whisper-base":
            path = partial(packaged_whisper_base, cache)
        elif choice == "tiny.en":
            path, languages = packaged_whisper_tiny_en, ("en",)
        else:
            path = Path(choice)
        self.runtime.models.register(
            asr_spec(
                ASR_MODEL,
                path,
                device=config.device,
                languages=languages,
                beam_size=config.beam_size,
            )
        )

    @property
    def settings(self) -> VoiceConfig:
        assert isinstance(self.config, VoiceConfig)
        return self.config

    @pre_stage("transcribe")
    async def transcribe(self, ctx: Context) -> InboundMessage | None:
        message = ctx.message
        if message.kind not in SPOKEN or message.attachment is None:
            return None
        size = message.attachment.size
        if size is not None and size > self.settings.max_file_bytes:
            raise TurnRejected(ctx.t("too_big", mb=self.settings.max_file_bytes // 2**20))
        declared = message.attachment.duration_s
        if declared is not None and declared > self.settings.max_duration_s:
            raise TurnRejected(self._too_long(ctx))
        data = await self.runtime.download(message)
        try:
            waveform, _ = await asyncio.to_thread(
                decode_audio, data, max_duration_s=self.settings.max_duration_s
            )
        except AudioTooLong:
            raise TurnRejected(self._too_long(ctx)) from None
        except AudioError as error:
            raise TurnRejected(ctx.t(error.code)) from None
        transcript: Transcript = await self.runtime.models.run(ASR_MODEL, waveform)
        text = transcript.text.strip()
        if not text:
            raise TurnRejected(ctx.t("heard_nothing"))
        await InteractionLog(ctx.db).record_transcript(message.trace_id, text, transcript.language)
        ctx.lang = transcript.language
        await ctx.reply(f"🎤 {text}")
        return dataclasses.replace(message, kind=MessageKind.TEXT, text=text, lang=ctx.lang)

    @command("models", admin=True)
    async def models_command(self, ctx: Context, args: str) -> None:
        """Loaded models: device, load time, queue depth, batches, latency."""
        lines = [ctx.t("models_header")]
        for info in self.runtime.models.loaded():
            if not info.loaded or info.stats is None:
                lines.append(ctx.t("model_idle", name=info.name, device=info.device))
                continue
            stats = info.stats
            lines.append(
                ctx.t(
                    "model_loaded",
                    name=info.name,
                    device=info.device,
                    load_s=f"{info.load_s or 0:.1f}",
                    queue=stats.queue_depth,
                    served=stats.served,
                    batch=f"{stats.mean_batch_size:.1f}",
                    p50=_ms(stats.p50_ms),
                    p95=_ms(stats.p95_ms),
                    failed=stats.failed + stats.timed_out,
                )
            )
        await ctx.reply("\n".join(lines))

    def _too_long(self, ctx: Context) -> str:
        return ctx.t("audio_too_long", minutes=round(self.settings.max_duration_s / 60, 1))


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"
