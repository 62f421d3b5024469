"""espeak-ng: formant synthesis in every language, starts instantly; the fallback engine.
Hard to understand in Russian, so festival is preferred there."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from models.tts.speech import Speech, TtsError
from models.tts.wav import read_wav

_TIMEOUT_S = 60.0
# espeak-ng voice names for Sova's languages; any other code is passed through as is.
_VOICES = {"ru": "ru", "en": "en-us"}


class EspeakNg:
    name: str = "espeak-ng"
    languages: tuple[str, ...] = ("ru", "en")

    def __init__(self, program: str = "espeak-ng", words_per_minute: int = 160) -> None:
        found = shutil.which(program)
        if found is None:
            raise TtsError(
                f"{program!r} not found: install the Debian package espeak-ng "
                "(`make install` does)"
            )
        self._program = found
        self._speed = words_per_minute

    def synthesize(self, text: str, lang: str) -> Speech:
        if not text.strip():
            raise TtsError("nothing to say")
        voice = _VOICES.get(lang, lang)
        with tempfile.TemporaryDirectory(prefix="sova-espeak-") as folder:
            target = Path(folder, "out.wav")
            # The text goes on stdin, never argv: it may start with "-".
            command = [self._program, "-v", voice, "-s", str(self._speed), "-w", str(target)]
            try:
                done = subprocess.run(
                    command,
                    input=text.encode(),
                    capture_output=True,
                    timeout=_TIMEOUT_S,
                    check=False,
                )
            except subprocess.TimeoutExpired as error:
                raise TtsError(f"espeak-ng took over {_TIMEOUT_S:.0f} s") from error
            if done.returncode != 0:
                raise TtsError(f"espeak-ng failed: {done.stderr.decode(errors='replace')[-300:]}")
            return read_wav(target)

    def close(self) -> None:
        pass
