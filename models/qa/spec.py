"""``qa_reader_spec``: a ``ModelSpec`` so the model registry serves a ``QaReader``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from models.qa.answer import Answer
from models.qa.reader import QaReader
from models.spec import ModelSpec


@dataclass(frozen=True, slots=True)
class QaRequest:
    """One question over a few passages (typically what retrieval found)."""

    question: str
    passages: tuple[str, ...]
    top_k: int = 1


def qa_reader_spec(
    name: str,
    loader: Callable[[str], QaReader] = lambda device: QaReader.packaged(device=device),
    *,
    device: str = "auto",
    max_batch: int = 4,
    timeout_s: float = 30.0,
    warmup: bool = True,
) -> ModelSpec[QaReader, QaRequest, list[Answer]]:
    """A registry spec: request = ``QaRequest``, result = its best answers, best first.

    ``loader`` gets the concrete device, e.g. ``lambda d: QaReader.from_folder(path, device=d)``
    for an operator's checkpoint; the default is the packaged reader. A batch of concurrent
    requests goes through one ``read_many``, so their windows share forward passes.
    """

    def infer(reader: QaReader, batch: list[QaRequest]) -> list[list[Answer]]:
        top_k = max(request.top_k for request in batch)
        results = reader.read_many([(r.question, r.passages) for r in batch], top_k=top_k)
        return [answers[: r.top_k] for r, answers in zip(batch, results, strict=True)]

    return ModelSpec(
        name=name,
        loader=loader,
        infer=infer,
        device=device,
        max_batch=max_batch,
        timeout_s=timeout_s,
        warmup=QaReader.warmup if warmup else None,
    )
