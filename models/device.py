"""Turning a device preference from config into a concrete torch device string."""

from __future__ import annotations

import re

_CUDA = re.compile(r"cuda(?::(\d+))?")


def choose_device(preference: str) -> str:
    """``"auto"`` → ``"cuda"`` if CUDA is usable, else ``"cpu"``; ``"cpu"``, ``"cuda"`` and
    ``"cuda:N"`` are taken as they are but checked, so a GPU asked for explicitly and missing
    is a clear error at load time instead of a silent (and much slower) CPU fallback."""
    # torch is imported here, not at module level: importing it costs seconds and memory,
    # and only processes that actually load a model should pay that.
    import torch

    pref = preference.strip().lower()
    if pref == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if pref == "cpu":
        return "cpu"
    match = _CUDA.fullmatch(pref)
    if match is None:
        raise ValueError(f"unknown device {preference!r}: use 'auto', 'cpu', 'cuda' or 'cuda:N'")
    if not torch.cuda.is_available():
        raise ValueError(
            f"device {preference!r} was requested but CUDA is not available "
            "(no GPU, driver or CUDA build of torch); use 'auto' or 'cpu'"
        )
    index = match.group(1)
    if index is not None and int(index) >= torch.cuda.device_count():
        raise ValueError(
            f"device {preference!r} was requested but only "
            f"{torch.cuda.device_count()} CUDA device(s) exist"
        )
    return pref
