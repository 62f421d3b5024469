"""Training examples for the QA reader: SQuAD questions (and negatives) as labelled windows,
and the order they are fed in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from models.qa.squad_eval import SquadQuestion
from models.qa.windows import Window, WindowOptions, encode_windows


@dataclass(frozen=True, slots=True)
class TrainingFeature:
    input_ids: list[int]
    token_type_ids: list[int] | None
    start: int
    end: int  # token positions of the answer; 0/0 (CLS) when the window does not hold it


def training_features(
    tokenizer: Any,
    questions: Sequence[SquadQuestion],
    options: WindowOptions,
    negatives: Sequence[tuple[str, str]] = (),
) -> list[TrainingFeature]:
    """One feature per window: the questions' windows labelled with the first gold answer's
    tokens, then the windows of the (question, passage) ``negatives`` labelled "no answer"."""
    windows = encode_windows(
        tokenizer,
        [q.question for q in questions] + [question for question, _ in negatives],
        [q.context for q in questions] + [passage for _, passage in negatives],
        options,
    )
    features = []
    for window in windows:
        start = end = 0
        if window.pair < len(questions):
            start, end = _answer_tokens(window, questions[window.pair])
        features.append(TrainingFeature(window.input_ids, window.token_type_ids, start, end))
    return features


def _answer_tokens(window: Window, q: SquadQuestion) -> tuple[int, int]:
    """Token positions of the answer in ``window``, or (0, 0) (CLS) if it is not all there."""
    answer_start = q.answer_starts[0]
    answer_end = answer_start + len(q.answers[0])
    inside = [i for i, span in enumerate(window.offsets) if span is not None]
    first, last = window.offsets[inside[0]], window.offsets[inside[-1]]
    assert first is not None and last is not None
    if not (first[0] <= answer_start and answer_end <= last[1]):
        return 0, 0
    start = end = 0
    for i in inside:
        span = window.offsets[i]
        assert span is not None
        if span[0] <= answer_start:
            start = i
        if span[1] >= answer_end:
            end = i
            break
    return start, end


def negative_pairs(
    questions: Sequence[SquadQuestion], share: float, seed: int
) -> list[tuple[str, str]]:
    """For about ``share`` of the questions, (question, another paragraph of its article).

    SQuAD v1.1 has an answer in every paragraph, so a model trained on it alone is just as
    sure of a span in an unrelated passage: its scores could not rank passages and its
    no-answer score would stay ~0. Paragraphs of the same article are the hard negatives
    retrieval brings; those that contain a gold answer's text are skipped, they may hold it.
    """
    import numpy as np

    rng = np.random.default_rng([seed, 1])  # apart from the batch order's generator
    paragraphs: dict[int, list[str]] = {}
    for q in questions:
        known = paragraphs.setdefault(q.article, [])
        if not known or known[-1] != q.context:
            known.append(q.context)
    pairs = []
    for q in questions:
        if rng.random() >= share:
            continue
        golds = [a.lower() for a in q.answers]
        others = [
            p
            for p in paragraphs[q.article]
            if p != q.context and not any(g in p.lower() for g in golds)
        ]
        if others:
            pairs.append((q.question, others[int(rng.integers(len(others)))]))
    return pairs


def length_batches(lengths: Sequence[int], batch_size: int, rng: Any) -> list[list[int]]:
    """Shuffled batches of similar-length features: padding costs CPU time for nothing."""
    order = rng.permutation(len(lengths))
    pool = batch_size * 32
    batches = []
    for i in range(0, len(order), pool):
        chunk = sorted(order[i : i + pool].tolist(), key=lambda j: lengths[j])
        batches += [chunk[k : k + batch_size] for k in range(0, len(chunk), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]
