"""Best answer spans of one window from a QA head's start/end logits, as the SQuAD reader does:
maximise P(start)·P(end) over start ≤ end inside the passage, up to a maximum length."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# BERT-family QA models put the no-answer ("null") span on the first token, [CLS].
NULL_INDEX = 0


@dataclass(frozen=True, slots=True)
class TokenSpan:
    start: int
    end: int  # inclusive, as the model's end position is
    score: float


def _softmax(
    logits: npt.NDArray[np.float64], allowed: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float64]:
    masked = np.where(allowed, logits, -np.inf)
    masked = masked - masked.max()
    exp = np.exp(masked)
    result: npt.NDArray[np.float64] = exp / exp.sum()
    return result


def best_spans(
    start_logits: npt.ArrayLike,
    end_logits: npt.ArrayLike,
    in_passage: npt.ArrayLike,
    *,
    max_answer_tokens: int,
    top_k: int,
) -> tuple[list[TokenSpan], float]:
    """The ``top_k`` best spans of one window, best first, and the window's no-answer score.

    ``in_passage`` marks the tokens that belong to the passage (not the question, special
    tokens or padding). The softmaxes run over those tokens plus CLS, so a window that does
    not hold the answer puts its mass on CLS and its spans score low: scores of different
    windows and passages can then be compared directly.
    """
    starts = np.asarray(start_logits, dtype=np.float64)
    ends = np.asarray(end_logits, dtype=np.float64)
    passage = np.asarray(in_passage, dtype=bool)
    allowed = passage.copy()
    allowed[NULL_INDEX] = True
    p_start = _softmax(starts, allowed)
    p_end = _softmax(ends, allowed)
    null_score = float(p_start[NULL_INDEX] * p_end[NULL_INDEX])
    positions = np.flatnonzero(passage)
    if positions.size == 0 or top_k < 1:
        return [], null_score
    scores = np.outer(p_start[positions], p_end[positions])
    gap = positions[None, :] - positions[:, None]  # end position - start position
    scores[(gap < 0) | (gap >= max_answer_tokens)] = -1.0
    flat = scores.ravel()
    count = min(top_k, int((flat >= 0).sum()))
    best = np.argpartition(-flat, count - 1)[:count]
    best = best[np.argsort(-flat[best], kind="stable")]
    spans = []
    for index in best:
        row, col = divmod(int(index), positions.size)
        spans.append(TokenSpan(int(positions[row]), int(positions[col]), float(flat[index])))
    return spans, null_score
