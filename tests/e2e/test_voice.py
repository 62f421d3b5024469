"""Voice through the emulator: a spoken message sets a reminder and is answered by voice;
/voice and /say; bad audio gets a clear reply."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.channels.emulator import ADMIN_USER_ID, ANNA_USER_ID, BORIS_USER_ID, EmulatorServer
from models.audio import decode_audio, encode_ogg_opus
from tests.e2e.harness import make_settings
from tests.e2e.people import text_of
from tests.e2e.test_telegram_path import telegram_sova

# A reply may wait for a model's first load (Whisper, the Piper worker, festival's voice), which
# takes seconds on a quiet machine and several times that on a loaded CI machine; the tests check
# what arrives, not how fast (bench/voice_latency.py measures that).
_MODEL_WAIT_S = 90

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")


def _voice_bytes(emulator: EmulatorServer, message: dict[str, Any]) -> bytes:
    stored = emulator.state.files.get(message["voice"]["file_id"])
    assert stored is not None
    return emulator.state.files.read(stored)


async def _reply(emulator: EmulatorServer, chat_id: int, needle: str) -> dict[str, Any]:
    return await emulator.wait_for_bot_message(
        chat_id, lambda m: needle in text_of(m), timeout=_MODEL_WAIT_S
    )


def _actions(emulator: EmulatorServer, chat_id: int) -> list[str]:
    return [
        str(call.params.get("action"))
        for call in emulator.calls_of("sendChatAction")
        if str(call.params.get("chat_id")) == str(chat_id)
    ]


def _spoken_ogg(text: str, tmp_path: Path) -> bytes:
    wav = tmp_path / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en", "-w", str(wav), text], check=True)
    waveform, _ = decode_audio(wav.read_bytes())
    return encode_ogg_opus(waveform, 16_000)


@needs_espeak
async def test_voice_message_sets_a_reminder(tmp_path: Path, nlu_cache: Path) -> None:
    settings = make_settings(
        tmp_path,
        db_url=f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}",
        nlu_cache=nlu_cache,
        plugins=("smalltalk", "account", "reminders", "voice"),
        extra_env={"SOVA_PLUGINS__VOICE__ASR_MODEL": "tiny.en", "SOVA_ADMIN__USERS": "1000"},
    )
    async with telegram_sova(settings, tmp_path) as emulator:
        emulator.user_sends_text(ADMIN_USER_ID, "/models")
        await _reply(emulator, ADMIN_USER_ID, "asr — not loaded")
        ogg = _spoken_ogg("remind me in five minutes to drink water", tmp_path)
        emulator.user_sends_voice(BORIS_USER_ID, ogg, 3)
        heard = await _reply(emulator, BORIS_USER_ID, "🎤")
        assert "drink water" in heard["text"].lower()
        # Spoken to, Sova answers with a voice note; the text is its caption.
        done = await _reply(emulator, BORIS_USER_ID, "OK, I'll remind you")
        assert "drink water" in done["caption"].lower()
        assert done["voice"]["mime_type"] == "audio/ogg"
        spoken = _voice_bytes(emulator, done)
        assert spoken[:4] == b"OggS"
        waveform, seconds = decode_audio(spoken)
        assert 1.0 < seconds < 15.0 and float(abs(waveform).max()) > 0.05
        assert "record_voice" in _actions(emulator, BORIS_USER_ID)
        emulator.user_sends_voice(BORIS_USER_ID, b"OggS" + b"\x13" * 200, 2)
        await _reply(emulator, BORIS_USER_ID, "The file is damaged")
        emulator.user_sends_text(ADMIN_USER_ID, "/models")
        await _reply(emulator, ADMIN_USER_ID, "served 1")
        emulator.user_sends_text(BORIS_USER_ID, "/models")
        await _reply(emulator, BORIS_USER_ID, "for administrators only")


async def test_voice_replies_on_and_off_and_say(tmp_path: Path, nlu_cache: Path) -> None:
    settings = make_settings(
        tmp_path,
        db_url=f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}",
        nlu_cache=nlu_cache,
        plugins=("smalltalk", "account", "reminders", "voice"),
    )
    async with telegram_sova(settings, tmp_path) as emulator:
        emulator.user_sends_text(ANNA_USER_ID, "/voice")
        await _reply(emulator, ANNA_USER_ID, "Ответы голосом выключены")
        emulator.user_sends_text(ANNA_USER_ID, "/voice on")
        on = await _reply(emulator, ANNA_USER_ID, "Ответы голосом включены")
        assert "voice" in on  # the confirmation itself is spoken
        emulator.user_sends_text(ANNA_USER_ID, "напомни мне через 10 минут полить цветы")
        set_ = await _reply(emulator, ANNA_USER_ID, "Хорошо, напомню")
        assert "voice" in set_ and "полить цветы" in set_["caption"]
        assert decode_audio(_voice_bytes(emulator, set_))[1] > 1.0
        emulator.user_sends_text(ANNA_USER_ID, "/voice off")
        off = await _reply(emulator, ANNA_USER_ID, "Ответы голосом выключены")
        assert "voice" not in off and "text" in off
        emulator.user_sends_text(ANNA_USER_ID, "/voice maybe")
        await _reply(emulator, ANNA_USER_ID, "/voice on")

        emulator.user_sends_text(ANNA_USER_ID, "/say")
        await _reply(emulator, ANNA_USER_ID, "Что сказать?")
        emulator.user_sends_text(ANNA_USER_ID, "/say Доброе утро, сегодня 22 ноября!")
        said = await emulator.wait_for_bot_message(
            ANNA_USER_ID, lambda m: "voice" in m and "caption" not in m, timeout=_MODEL_WAIT_S
        )
        assert decode_audio(_voice_bytes(emulator, said))[1] > 1.5
        emulator.user_sends_text(ANNA_USER_ID, "/say " + "слово " * 300)
        await _reply(emulator, ANNA_USER_ID, "Слишком длинно")


def _video_without_sound() -> bytes:
    import io

    import av

    buf = io.BytesIO()
    with av.open(buf, mode="w", format="matroska") as container:
        stream = container.add_stream("mpeg4", rate=1)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        frame = av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), np.uint8), format="rgb24")
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return buf.getvalue()


@needs_espeak
async def test_bad_audio_gets_clear_replies_and_long_audio_shows_progress(
    tmp_path: Path, nlu_cache: Path
) -> None:
    settings = make_settings(
        tmp_path,
        db_url=f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}",
        nlu_cache=nlu_cache,
        plugins=("smalltalk", "account", "reminders", "voice"),
        extra_env={
            "SOVA_PLUGINS__VOICE__ASR_MODEL": "tiny.en",
            "SOVA_PLUGINS__VOICE__MAX_DURATION_S": "8",
            "SOVA_PLUGINS__VOICE__LONG_AUDIO_S": "2",
            "SOVA_PLUGINS__VOICE__ANSWER_VOICE_WITH_VOICE": "false",
        },
    )
    user = BORIS_USER_ID
    async with telegram_sova(settings, tmp_path) as emulator:
        emulator.user_sends_voice(user, b"", 1)
        await _reply(emulator, user, "The audio is empty")
        emulator.user_sends_voice(user, _video_without_sound(), 1)
        await _reply(emulator, user, "I don't understand this audio format")
        silence = encode_ogg_opus(np.zeros(3 * 16_000, dtype=np.float32), 16_000)
        emulator.user_sends_voice(user, silence, 3)
        await _reply(emulator, user, "I heard nothing")
        # Declared too long: refused before anything is downloaded.
        emulator.user_sends_voice(user, silence, 60)
        await _reply(emulator, user, "up to 0.1 min")
        # Declared short but really too long: refused after decoding.
        long = encode_ogg_opus(np.zeros(12 * 16_000, dtype=np.float32), 16_000)
        emulator.user_sends_voice(user, long, 3)
        await _reply(emulator, user, "up to 0.1 min")
        # Over long_audio_s: a status message, edited when the transcription is done.
        ogg = _spoken_ogg("remind me in five minutes to drink water", tmp_path)
        emulator.user_sends_voice(user, ogg, 3)
        await emulator.wait_for_bot_message(
            user, lambda m: "drink water" in m.get("text", "").lower(), timeout=_MODEL_WAIT_S
        )
        await _reply(emulator, user, "OK, I'll remind you")
        status = await _reply(emulator, user, "🎤 Transcribed 0:0")
        assert status.get("edit_date") is not None
        assert "typing" in _actions(emulator, user)
        # None of the rejected messages set anything: only the spoken reminder exists.
        emulator.user_sends_text(user, "/reminders")
        listing = await _reply(emulator, user, "drink water")
        assert listing["text"].count("\n") <= 2
