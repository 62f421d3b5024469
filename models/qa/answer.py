"""``Answer``: one span a reader (or the sentence baseline) found in one passage."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Answer:
    """A span of one passage with the model's confidence in it."""

    text: str
    """Exactly ``passages[passage_index][start_char:end_char]``."""
    passage_index: int
    """Which of the passages given to ``read`` the span is in."""
    start_char: int
    end_char: int
    """Character offsets in that passage, end exclusive."""
    score: float
    """P(start)·P(end), each a softmax over the window's passage tokens plus CLS."""
    no_answer_score: float
    """P(start=CLS)·P(end=CLS) in the same window: how strongly the model says "not here"."""


def is_answer(answer: Answer, threshold: float) -> bool:
    """Whether to believe ``answer``: its score reaches ``threshold`` and beats "no answer".

    The threshold is the caller's because its right value depends on the checkpoint and on
    how costly a wrong answer is compared with a "don't know".
    """
    return answer.score >= threshold and answer.score > answer.no_answer_score
