"""The extractive reader as the plugin uses it: optional, and never the reason a turn fails.

The reader (``models.qa``) is served by the shared model registry. Loading it (torch, the
weights, a warm-up) takes 15–30 s on a small CPU, longer than a turn may take, so the first
English question starts loading it in the background and is answered with the best
sentence, as are the questions until it is ready. Not at start-up: a Sova that is never
asked an English question (or is stopped soon, like a piped ``sova chat``) never pays for
torch. When it cannot load (no
trained weights shipped yet, a wrong checkpoint folder) the load is tried again only after
``retry_after_s``: a missing file does not become a stack trace per question.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from models.qa import Answer, QaReader, QaRequest, qa_reader_spec
from models.registry import ModelRegistry

log = logging.getLogger(__name__)

READER_MODEL = "qa_reader"
RETRY_AFTER_S = 600.0


def register_reader(models: ModelRegistry, checkpoint: str = "") -> None:
    """Register the reader once (a plugin reload runs ``setup`` again): the packaged one,
    or the local Hugging Face QA checkpoint folder ``checkpoint``."""
    if any(info.name == READER_MODEL for info in models.loaded()):
        return
    if checkpoint:
        folder = Path(checkpoint)
        spec = qa_reader_spec(
            READER_MODEL, lambda device: QaReader.from_folder(folder, device=device)
        )
    else:
        spec = qa_reader_spec(READER_MODEL)
    models.register(spec)


class Reader:
    def __init__(
        self,
        models: ModelRegistry,
        *,
        retry_after_s: float = RETRY_AFTER_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._models = models
        self._retry_after_s = retry_after_s
        self._clock = clock
        self._failed_at: float | None = None
        self._loading: asyncio.Task[None] | None = None
        self.ready = False

    def load_in_background(self) -> None:
        """Start loading unless it is loaded, loading, or failed less than
        ``retry_after_s`` ago."""
        if self.ready or (self._loading is not None and not self._loading.done()):
            return
        if self._failed_at is not None and self._clock() < self._failed_at + self._retry_after_s:
            return
        self._loading = asyncio.create_task(self._load(), name="qa.reader-load")

    async def _load(self) -> None:
        try:
            await self._models.get(READER_MODEL)
        except Exception as exc:
            # Whatever the loader raises (missing weights, a bad folder, no torch): answers
            # can still be sentences, so this is a warning, not an error.
            self._failed_at = self._clock()
            log.warning(
                "QA reader unavailable, answering with sentences (retry in %.0f s): %s",
                self._retry_after_s,
                exc,
            )
            return
        self._failed_at = None
        self.ready = True
        log.info("QA reader loaded")

    async def loaded(self) -> bool:
        """Wait for a load in progress; whether the reader is ready (tests, tools)."""
        if self._loading is not None:
            await asyncio.shield(self._loading)
        return self.ready

    async def close(self) -> None:
        if self._loading is not None and not self._loading.done():
            self._loading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loading

    async def read(
        self, question: str, passages: Sequence[str], top_k: int = 1
    ) -> list[Answer] | None:
        """The reader's best spans, best first; None while there is no reader to ask."""
        if not self.ready:
            self.load_in_background()
            return None
        if not passages:
            return None
        try:
            answers: list[Answer] = await self._models.run(
                READER_MODEL, QaRequest(question, tuple(passages), top_k=top_k)
            )
        except Exception as exc:
            log.warning("QA reader failed on one question (answering with a sentence): %s", exc)
            return None
        return answers
