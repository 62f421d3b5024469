"""From a 5-second voice message to Sova's answer, through the Telegram emulator.

Each run sends a 5.0 s voice note (a reminder request spoken by Sova's own TTS — Piper for
English, festival for Russian — padded with silence to exactly 5 s, encoded as Telegram's
OGG/Opus) from a simulated user over the local Bot API emulator and real HTTP, and times:
- ``transcript_ms``: until the "🎤 …" transcript is shown;
- ``reply_ms``: until the answer arrives — a voice note (Sova answers voice with voice), so this
  includes the reminder being set *and* the answer being synthesized and encoded;
- the baseline: the same request typed as text (``typed_reply_ms``), measured in the same run,
  so ``reply_ms / typed_reply_ms`` is what listening and speaking cost on top.
The first voice message loads Whisper and the TTS engines; it is reported as ``cold_ms``.

    python -m bench.voice_latency --runs 5 --out bench/out/voice_latency.json

JSON: {"voice_s", "runs", "asr_model", "cold_ms": {"transcript", "reply"},
"<lang>": {"transcript_ms": {p50, p90, max}, "reply_ms": {...}, "typed_reply_ms": {...},
"transcripts": [...]}} for lang in en, ru.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.e2e_latency import bench_settings, percentile
from bench.output import write_json
from bot.app import Sova
from bot.channels.emulator import EmulatorServer, SimUser
from bot.launch import telegram_channel
from models.audio import TARGET_RATE, encode_ogg_opus
from models.tts import LanguageRouter

VOICE_S = 5.0
REQUESTS = {
    "en": "Please remind me in ten minutes to take the pizza out of the oven.",
    "ru": "Напомни мне через десять минут достать пиццу из духовки.",
}
USER_ID = 300_000


def five_second_note(text: str, lang: str, router: LanguageRouter) -> bytes:
    """``text`` spoken, resampled to 16 kHz, padded (or cut) to exactly ``VOICE_S``."""
    import torch
    import torchaudio.functional as audio_functional

    speech, _engine = router.synthesize(text, lang)
    samples = torch.from_numpy(speech.samples)
    resampled = audio_functional.resample(samples, speech.sample_rate, TARGET_RATE).numpy()
    wanted = int(VOICE_S * TARGET_RATE)
    padded = np.zeros(wanted, dtype=np.float32)
    padded[: min(wanted, resampled.size)] = resampled[:wanted]
    return encode_ogg_opus(padded, TARGET_RATE)


async def _timed(
    emulator: EmulatorServer, send: Any, wait_transcript: bool
) -> tuple[float | None, float, dict[str, Any]]:
    sent = emulator.bot_messages(USER_ID)
    last = int(sent[-1]["message_id"]) if sent else 0
    start = time.perf_counter()
    send()
    transcript_at: float | None = None
    if wait_transcript:
        echo = await emulator.wait_for_bot_message(
            USER_ID,
            lambda m: str(m.get("text", "")).startswith("🎤"),
            timeout=300,
            after_message_id=last,
        )
        transcript_at = time.perf_counter() - start
        last = int(echo["message_id"])
    answer = await emulator.wait_for_bot_message(USER_ID, timeout=300, after_message_id=last)
    return transcript_at, time.perf_counter() - start, answer


async def run(runs: int, asr_model: str, nlu_cache: Path) -> dict[str, Any]:
    router = LanguageRouter()
    try:
        notes = {lang: five_second_note(text, lang, router) for lang, text in REQUESTS.items()}
    finally:
        router.close()
    result: dict[str, Any] = {"voice_s": VOICE_S, "runs": runs, "asr_model": asr_model}
    user = SimUser(id=USER_ID, first_name="Bench", username="bench")
    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(
            Path(tmp), nlu_cache, extra_env={"SOVA_PLUGINS__VOICE__ASR_MODEL": asr_model}
        )
        async with EmulatorServer(data_dir=Path(tmp) / "emulator", users=(user,)) as emulator:
            channel = telegram_channel(settings, token=emulator.token, api_url=emulator.url)
            async with Sova(settings, [channel]):
                cold_t, cold_r, _ = await _timed(
                    emulator,
                    lambda: emulator.user_sends_voice(USER_ID, notes["en"], int(VOICE_S)),
                    True,
                )
                result["cold_ms"] = {"transcript": _ms(cold_t), "reply": _ms(cold_r)}
                for lang, note in notes.items():
                    result[lang] = await _language(emulator, lang, note, runs)
    return result


async def _language(emulator: EmulatorServer, lang: str, note: bytes, runs: int) -> dict[str, Any]:
    transcripts: list[str] = []
    heard: list[float] = []
    replied: list[float] = []
    typed: list[float] = []
    for _ in range(runs):
        t, r, answer = await _timed(
            emulator, lambda: emulator.user_sends_voice(USER_ID, note, int(VOICE_S)), True
        )
        assert t is not None
        heard.append(t)
        replied.append(r)
        if "voice" not in answer:
            print(f"warning: {lang} answer was not a voice note: {answer}", file=sys.stderr)
        transcripts.append(_transcript(emulator))
        _, r, _ = await _timed(
            emulator, lambda: emulator.user_sends_text(USER_ID, REQUESTS[lang]), False
        )
        typed.append(r)
        print(
            f"{lang}: transcript {heard[-1]:.2f} s, voice reply {replied[-1]:.2f} s, "
            f"typed {typed[-1]:.2f} s",
            file=sys.stderr,
        )
    return {
        "transcript_ms": _summary(heard),
        "reply_ms": _summary(replied),
        "typed_reply_ms": _summary(typed),
        "transcripts": sorted(set(transcripts)),
    }


def _transcript(emulator: EmulatorServer) -> str:
    for message in reversed(emulator.bot_messages(USER_ID)):
        text = str(message.get("text", ""))
        if text.startswith("🎤"):
            return text
    return ""


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def _summary(seconds: list[float]) -> dict[str, float]:
    values = [s * 1000 for s in seconds]
    return {
        "p50": round(percentile(values, 50), 1),
        "p90": round(percentile(values, 90), 1),
        "max": round(max(values), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="unused (the voice notes are synthesized)")
    parser.add_argument("--out", type=Path, help="write the JSON here")
    parser.add_argument("--runs", type=int, default=5, help="voice messages per language")
    parser.add_argument("--asr-model", default="whisper-base")
    parser.add_argument("--nlu-cache", type=Path, default=Path("var/nlu-cache"))
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.runs, args.asr_model, args.nlu_cache))
    print(
        f"5-second voice message, {args.asr_model}; cold (first, loads models): "
        f"transcript {result['cold_ms']['transcript']} ms, reply {result['cold_ms']['reply']} ms"
    )
    print(f"{'':6}{'transcript p50':>16}{'voice reply p50':>17}{'typed p50':>11}{'ratio':>7}")
    for lang in REQUESTS:
        row = result[lang]
        ratio = row["reply_ms"]["p50"] / row["typed_reply_ms"]["p50"]
        print(
            f"{lang:6}{row['transcript_ms']['p50']:>16}{row['reply_ms']['p50']:>17}"
            f"{row['typed_reply_ms']['p50']:>11}{ratio:>7.1f}"
        )
        print(f"      heard: {'; '.join(row['transcripts'])}")
    if args.out:
        write_json(args.out, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
