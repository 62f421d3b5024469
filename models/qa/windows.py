"""(question, passage) pairs → model windows: the one tokenisation reading and training share.

A passage longer than one window is cut into several that overlap by ``stride`` tokens, so an
answer near a cut is whole in at least one of them. Needs a "fast" (Rust) tokenizer: only it
gives character offsets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class WindowOptions:
    """How pairs are cut into windows; training and reading should agree."""

    max_length: int = 384
    """Tokens per window: [CLS] question [SEP] passage piece [SEP]."""
    stride: int = 128
    """Tokens shared by consecutive windows of one passage."""
    max_question_tokens: int = 64
    """Longer questions are cut, so the passage always keeps most of the window."""

    def __post_init__(self) -> None:
        room = self.max_length - self.max_question_tokens - 3  # [CLS] and two [SEP]
        if room <= self.stride:
            raise ValueError(
                f"max_length {self.max_length} leaves {room} passage tokens per window after a "
                f"{self.max_question_tokens}-token question; it must exceed stride {self.stride}"
            )


@dataclass(frozen=True, slots=True)
class Window:
    pair: int
    """Index of the (question, passage) pair the window came from."""
    input_ids: list[int]
    token_type_ids: list[int] | None
    offsets: list[tuple[int, int] | None]
    """Per token: its characters in the passage, or None for question/special tokens."""


def encode_windows(
    tokenizer: Any, questions: Sequence[str], passages: Sequence[str], options: WindowOptions
) -> list[Window]:
    """Windows of every pair, in pair order."""
    if len(questions) != len(passages):
        raise ValueError(f"{len(questions)} questions but {len(passages)} passages")
    if not questions:
        return []
    if not getattr(tokenizer, "is_fast", False):
        raise ValueError(
            "the QA reader needs a fast tokenizer (a tokenizer.json in the model folder): "
            "only it reports where each token is in the passage"
        )
    clipped = [_clip_question(tokenizer, q, options.max_question_tokens) for q in questions]
    encoded = tokenizer(
        clipped,
        list(passages),
        truncation="only_second",
        max_length=options.max_length,
        stride=options.stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        padding=False,
    )
    type_ids = encoded.get("token_type_ids")
    windows = []
    for i, ids in enumerate(encoded["input_ids"]):
        sequence_ids = encoded.sequence_ids(i)
        offsets = [
            (int(span[0]), int(span[1])) if seq == 1 else None
            for seq, span in zip(sequence_ids, encoded["offset_mapping"][i], strict=True)
        ]
        windows.append(
            Window(
                pair=int(encoded["overflow_to_sample_mapping"][i]),
                input_ids=list(ids),
                token_type_ids=list(type_ids[i]) if type_ids is not None else None,
                offsets=offsets,
            )
        )
    return windows


def _clip_question(tokenizer: Any, question: str, max_tokens: int) -> str:
    # The tokenizer can only truncate the passage ("only_second"); an over-long question
    # would make it fail, so it is cut here, at a token boundary.
    encoded = tokenizer(question, add_special_tokens=False, return_offsets_mapping=True)
    offsets = encoded["offset_mapping"]
    if len(offsets) <= max_tokens:
        return question
    return question[: offsets[max_tokens - 1][1]]


class TokenRows(Protocol):
    """What ``to_tensors`` needs of a window (training features carry labels too)."""

    @property
    def input_ids(self) -> list[int]: ...
    @property
    def token_type_ids(self) -> list[int] | None: ...


def to_tensors(windows: Sequence[TokenRows], pad_id: int, device: str) -> dict[str, Any]:
    """Right-padded model inputs for ``windows`` (padded to the longest of them only)."""
    import torch

    width = max(len(w.input_ids) for w in windows)

    def padded(rows: list[list[int]], fill: int) -> Any:
        return torch.tensor([r + [fill] * (width - len(r)) for r in rows], device=device)

    inputs = {
        "input_ids": padded([w.input_ids for w in windows], pad_id),
        "attention_mask": padded([[1] * len(w.input_ids) for w in windows], 0),
    }
    if all(w.token_type_ids is not None for w in windows):
        inputs["token_type_ids"] = padded([w.token_type_ids or [] for w in windows], 0)
    return inputs
