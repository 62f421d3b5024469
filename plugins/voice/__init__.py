"""Voice: speech recognition before the NLU, and spoken answers.

Listening: a voice or audio message is downloaded from its channel, decoded to 16 kHz mono
(``models.audio``), transcribed by Whisper through the shared model registry (batched, off the
event loop), shown to the user as "🎤 …" so a misrecognition is visible, recorded as the
message's transcript, and handed on as text in the detected language.

Speaking: replies to a voice message, and every reply for users who turned voice replies on
(``/voice on`` or ``/settings``), go out as voice notes with the text as caption. Text is
normalised and spoken by the engine configured for its language (``models.tts``); if speech
fails, the reply simply stays text.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bot.events import InboundMessage, MessageKind, OutboundReply
from bot.nlu import detect_language
from bot.plugins import Context, Plugin, TurnRejected, command, job, outgoing, pre_stage
from bot.storage import InteractionLog, UserDirectory, UserSetting
from models.asr import (
    AsrRequest,
    Transcript,
    asr_spec,
    packaged_whisper_base,
    packaged_whisper_tiny_en,
)
from models.audio import AudioError, AudioTooLong, Waveform, decode_audio
from models.errors import ModelError
from models.tts import TtsError
from models.tts.spec import tts_spec
from plugins.voice.config import VoiceConfig
from plugins.voice.speaking import TTS_MODEL, RecentTurns, Speaker

log = logging.getLogger(__name__)

ASR_MODEL = "asr"
SPOKEN = (MessageKind.VOICE, MessageKind.AUDIO)
# How often the "transcribing… N%" status of a long recording is edited.
PROGRESS_EVERY_S = 3.0
# Voice notes on disk are kept this long: long enough for a resend after a restart.
VOICE_NOTE_TTL_S = 7 * 24 * 3600
ON_WORDS = frozenset({"on", "yes", "1", "вкл", "включить", "да"})
OFF_WORDS = frozenset({"off", "no", "0", "выкл", "выключить", "нет"})

__all__ = ["Voice", "VoiceConfig"]


class Voice(Plugin):
    name = "voice"
    config_model = VoiceConfig

    async def setup(self) -> None:
        config = self.settings
        data_dir = self.runtime.settings.app.data_dir
        self._register_asr(config, data_dir / "models")
        piper: dict[str, str] = {}
        if config.piper_python:
            piper["python"] = config.piper_python
        if config.piper_voice:
            piper["model"] = config.piper_voice
            piper["config"] = config.piper_voice + ".json"
        self.runtime.models.register(
            tts_spec(TTS_MODEL, preference=config.tts, options={"piper": piper})
        )
        self.speaker = Speaker(self.runtime.models, data_dir / "voice_notes")
        self.voice_turns = RecentTurns()

    def _register_asr(self, config: VoiceConfig, cache: Path) -> None:
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

    # -- listening ---------------------------------------------------------------------------
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
        async with ctx.busy("typing"):
            data = await self.runtime.download(message)
            try:
                waveform, duration = await asyncio.to_thread(
                    decode_audio, data, max_duration_s=self.settings.max_duration_s
                )
            except AudioTooLong:
                raise TurnRejected(self._too_long(ctx)) from None
            except AudioError as error:
                raise TurnRejected(ctx.t(error.code)) from None
            if duration >= self.settings.long_audio_s:
                transcript = await self._transcribe_long(ctx, waveform, duration)
            else:
                transcript = await self.runtime.models.run(ASR_MODEL, waveform)
        text = transcript.text.strip()
        if not text:
            raise TurnRejected(ctx.t("heard_nothing"))
        await InteractionLog(ctx.db).record_transcript(message.trace_id, text, transcript.language)
        self.voice_turns.add(message.trace_id)
        ctx.lang = transcript.language
        await ctx.reply(f"🎤 {text}", speakable=False)
        return dataclasses.replace(message, kind=MessageKind.TEXT, text=text, lang=ctx.lang)

    async def _transcribe_long(
        self, ctx: Context, waveform: Waveform, duration: float
    ) -> Transcript:
        """Whisper on a CPU needs ~0.2 s per second of speech: a status message says so and
        shows how far along it is, edited every few seconds."""
        length = _clock(duration)
        status = await ctx.progress(ctx.t("transcribing", length=length, percent=0))
        done = 0.0

        def report(fraction: float) -> None:
            # Called in the model's thread; a float assignment is atomic, and the loop only
            # reads the latest value every few seconds.
            nonlocal done
            done = fraction

        async def show() -> None:
            while True:
                await asyncio.sleep(PROGRESS_EVERY_S)
                percent = int(done * 100)
                await status.update(ctx.t("transcribing", length=length, percent=percent))

        shower = asyncio.create_task(show())
        try:
            transcript: Transcript = await self.runtime.models.run(
                ASR_MODEL, AsrRequest(waveform, report)
            )
        finally:
            shower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await shower
        await status.update(ctx.t("transcribed", length=length))
        return transcript

    # -- speaking ----------------------------------------------------------------------------
    @outgoing()
    async def speak_reply(self, reply: OutboundReply) -> OutboundReply:
        """Replies to voice messages, and all replies for users with voice replies on, go out
        as voice notes with the text as caption."""
        text = reply.text.strip()
        if (
            reply.kind != "text"
            or not reply.speakable
            or not text
            or reply.edit_external_message_id is not None
            or len(text) > self.settings.max_spoken_chars
            or not await self._wants_voice(reply)
        ):
            return reply
        lang = reply.lang or self.runtime.settings.app.default_language
        await self.runtime.show_action(reply.channel, reply.chat_id, "record_voice")
        try:
            note = await self.speaker.speak(text, lang)
        except (TtsError, ModelError, AudioError) as error:
            log.warning("voice reply in %s failed, sending text: %s", lang, error)
            return reply
        return dataclasses.replace(reply, kind="voice", file_path=str(note.path))

    async def _wants_voice(self, reply: OutboundReply) -> bool:
        if reply.trace_id in self.voice_turns:
            # An A/B experiment may control this (docs/abtest.md); reading it here, where a
            # spoken message is answered, counts only users who actually meet it.
            default = "true" if self.settings.answer_voice_with_voice else "false"
            variant = await self.runtime.experiments.variant(
                "voice.answer_voice_with_voice", reply.user_id, default
            )
            if variant == "true":
                return True
        user = await UserDirectory(self.runtime.db).get(reply.user_id)
        return bool(user and user.settings.get(UserSetting.VOICE_REPLIES, False))

    @command("voice")
    async def voice_command(self, ctx: Context, args: str) -> None:
        """Voice replies: /voice on or /voice off."""
        choice = args.strip().lower()
        if choice not in ON_WORDS | OFF_WORDS:
            state = ctx.user.settings.get(UserSetting.VOICE_REPLIES, False)
            await ctx.reply(
                ctx.t("voice_usage", state=ctx.t("state_on" if state else "state_off")),
                speakable=False,
            )
            return
        enabled = choice in ON_WORDS
        await UserDirectory(ctx.db).set_setting(ctx.user_id, UserSetting.VOICE_REPLIES, enabled)
        # This confirmation is spoken when turning on: the user hears what they will get.
        await ctx.reply(ctx.t("voice_on" if enabled else "voice_off"), speakable=enabled)

    @command("say")
    async def say_command(self, ctx: Context, args: str) -> None:
        """Say a text aloud: /say <text>."""
        text = args.strip()
        if not text:
            await ctx.reply(ctx.t("say_usage"), speakable=False)
            return
        if len(text) > self.settings.max_spoken_chars:
            await ctx.reply(
                ctx.t("say_too_long", limit=self.settings.max_spoken_chars), speakable=False
            )
            return
        lang = detect_language(text, default=ctx.lang)
        try:
            async with ctx.busy("record_voice"):
                note = await self.speaker.speak(text, lang)
        except (TtsError, ModelError, AudioError) as error:
            log.warning("/say in %s failed: %s", lang, error)
            await ctx.reply(ctx.t("say_failed"), speakable=False)
            return
        await ctx.reply(kind="voice", file_path=str(note.path), speakable=False)

    @job("sweep_voice_notes", interval_s=3600)
    async def sweep_voice_notes(self) -> None:
        removed = await asyncio.to_thread(self.speaker.sweep, VOICE_NOTE_TTL_S)
        if removed:
            log.info("deleted %d old voice notes", removed)

    # -- admin -------------------------------------------------------------------------------
    @command("models", admin=True)
    async def models_command(self, ctx: Context, args: str) -> None:
        """Loaded models: device, memory, queue depth, batches, latency."""
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
                    memory=_mb(info.memory_mb),
                    queue=stats.queue_depth,
                    served=stats.served,
                    batch=f"{stats.mean_batch_size:.1f}",
                    p50=_ms(stats.p50_ms),
                    p95=_ms(stats.p95_ms),
                    failed=stats.failed + stats.timed_out,
                )
            )
        await ctx.reply("\n".join(lines), speakable=False)

    def _too_long(self, ctx: Context) -> str:
        return ctx.t("audio_too_long", minutes=round(self.settings.max_duration_s / 60, 1))


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def _mb(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def _clock(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"
