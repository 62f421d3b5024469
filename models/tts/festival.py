"""Russian speech with Debian festival + festvox-ru (unit-selection voice msu_ru_nsh_clunits).

Festival's Russian letter-to-sound rules know Cyrillic letters and a few punctuation marks
only; anything else (digits, Latin letters, dashes, quotes, ellipses) makes it stop reading
mid-sentence *and still exit 0*, so the text is reduced to what it can say first. Digits
must already be spelled out by ``models.tts.normalise``; Latin words are transliterated.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from models.tts.process import stop_process
from models.tts.speech import Speech, TtsError
from models.tts.wav import read_wav

VOICE = "voice_msu_ru_nsh_clunits"
_TIMEOUT_S = 60.0

_LATIN = {
    "a": "а", "b": "б", "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и",
    "j": "дж", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р",
    "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "x": "кс", "y": "й", "z": "з",
}  # fmt: skip
_PAUSE = re.compile(r"\s*(?:[—–…]|\.{2,}|\s-\s)\s*")
_UNSAYABLE = re.compile(r"[^а-яё.,!?;:\s-]+", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# A mark left alone by a removed quote or bracket ("«да», ..." -> "да , ..."): festival's
# letter-to-sound rules fail on a token that is only punctuation, so it joins the word before.
_LOOSE_MARK = re.compile(r"\s+(?=[.,!?;:])")


def festival_safe(text: str) -> str:
    """Only what festival's Russian rules can read: Cyrillic words and . , ! ? ; : -"""
    text = "".join(_LATIN.get(ch, _LATIN.get(ch.lower(), ch)) for ch in text)
    text = _PAUSE.sub(", ", text)
    text = _UNSAYABLE.sub(" ", text)
    text = _LOOSE_MARK.sub("", text)
    return _SPACES.sub(" ", text).strip(" ,;:-")


class FestivalRussian:
    """One long-lived interactive ``festival`` process, so the voice (~0.6 s to load) loads once;
    a sentence then takes ~0.05 s. Its stdout is unbuffered through ``stdbuf`` so the marker it
    prints after each utterance arrives at once. A dead process is restarted on the next call."""

    name: str = "festival"
    languages: tuple[str, ...] = ("ru",)

    def __init__(self, program: str = "festival", voice: str = VOICE) -> None:
        found = shutil.which(program)
        if found is None:
            raise TtsError(
                f"{program!r} not found: install the Debian packages festival and festvox-ru "
                "(`make install` does)"
            )
        self._command = [found]
        if (stdbuf := shutil.which("stdbuf")) is not None:
            self._command = [stdbuf, "-o0", found]
        self._voice = voice
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._folder = tempfile.TemporaryDirectory(prefix="sova-festival-")
        self._counter = 0
        with self._lock:
            self._start()

    def _start(self) -> None:
        self._process = subprocess.Popen(
            self._command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        output = self._say(f"({self._voice})", "READY")
        if "SIOD ERROR" in output or "not defined" in output:
            self._stop()
            raise TtsError(
                f"festival has no voice {self._voice}: install festvox-ru ({output[-200:]})"
            )

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            stop_process(process)

    def _say(self, scheme: str, marker: str) -> str:
        """Send a Scheme expression, then wait until festival prints ``marker``."""
        process = self._process
        assert process is not None and process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(f'{scheme}\n(print "{marker}")\n'.encode())
            process.stdin.flush()
        except BrokenPipeError as error:
            raise TtsError("festival exited") from error
        output = bytearray()
        deadline = time.monotonic() + _TIMEOUT_S
        expected = f'"{marker}"'.encode()
        while expected not in output:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([process.stdout], [], [], max(0.0, remaining))
            if not ready:
                self._stop()
                raise TtsError(f"festival took over {_TIMEOUT_S:.0f} s")
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                self._stop()
                raise TtsError(f"festival exited: {output.decode(errors='replace')[-300:]}")
            output += chunk
        return output.decode(errors="replace")

    def synthesize(self, text: str, lang: str) -> Speech:
        sayable = festival_safe(text)
        if not re.search(r"[а-яё]", sayable, re.IGNORECASE):
            raise TtsError("nothing festival can read in this text")
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._stop()
                self._start()
            self._counter += 1
            target = Path(self._folder.name, f"{self._counter}.wav")
            # festival_safe left no quotes or backslashes, so the Scheme string is safe.
            utterance = f'(utt.synth (Utterance Text "{sayable}"))'
            output = self._say(
                f'(utt.save.wave {utterance} "{target}" \'riff)', f"DONE{self._counter}"
            )
            if "LTS_Ruleset" in output or "SIOD ERROR" in output:
                target.unlink(missing_ok=True)
                raise TtsError(f"festival could not read the text: {output[-200:]}")
            try:
                return read_wav(target)
            finally:
                target.unlink(missing_ok=True)

    def close(self) -> None:
        with self._lock:
            self._stop()
        self._folder.cleanup()

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None and process.poll() is None else None
