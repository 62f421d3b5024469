"""A spoken message through the emulator sets a reminder; bad audio gets a clear reply."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot.channels.emulator import ADMIN_USER_ID, BORIS_USER_ID
from models.audio import decode_audio, encode_ogg_opus
from tests.e2e.harness import make_settings
from tests.e2e.test_telegram_path import _reply, telegram_sova

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")


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
        done = await _reply(emulator, BORIS_USER_ID, "OK, I'll remind you")
        assert "drink water" in done["text"].lower()
        emulator.user_sends_voice(BORIS_USER_ID, b"OggS" + b"\x13" * 200, 2)
        await _reply(emulator, BORIS_USER_ID, "The file is damaged")
        emulator.user_sends_text(ADMIN_USER_ID, "/models")
        await _reply(emulator, ADMIN_USER_ID, "served 1")
        emulator.user_sends_text(BORIS_USER_ID, "/models")
        await _reply(emulator, BORIS_USER_ID, "for administrators only")
