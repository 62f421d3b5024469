"""A delta: the tensors fine-tuning changed, saved apart from the base model they patch.

The file is safetensors in fp16 (half the size; the reader's scores move by far less than
the gaps between answers). Next to it, ``NAME.json`` records its sha256 and how it was made
(base model, data split, settings), so a corrupt or swapped file is caught at load and a run
of the training script can reproduce it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

FORMAT = "sova-qa-delta/1"
_CHUNK = 1024 * 1024


class DeltaError(ValueError):
    """The delta file is missing, damaged or does not fit the base model."""


def sidecar_path(delta_path: Path) -> Path:
    return delta_path.with_suffix(".json")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def save_delta(
    path: Path, tensors: Mapping[str, Any], record: Mapping[str, Any]
) -> dict[str, Any]:
    """Write ``tensors`` (as fp16) to ``path`` and the sidecar; returns the sidecar's record."""
    from safetensors.torch import save_file

    half = {name: t.detach().to("cpu").half().contiguous() for name, t in tensors.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        save_file(half, tmp, metadata={"format": FORMAT})
        os.chmod(tmp, 0o644)  # mkstemp makes it private; it is a file to ship
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    full = {
        "format": FORMAT,
        "file": path.name,
        "sha256": sha256_of(path),
        "bytes": path.stat().st_size,
        "parameters": sum(int(t.numel()) for t in half.values()),
        **record,
    }
    sidecar_path(path).write_text(json.dumps(full, indent=2, ensure_ascii=False) + "\n")
    return full


def read_record(path: Path) -> dict[str, Any]:
    """The sidecar of ``path``."""
    sidecar = sidecar_path(path)
    try:
        record = json.loads(sidecar.read_text())
    except (OSError, ValueError) as exc:
        raise DeltaError(f"cannot read {sidecar} ({exc}); it must sit next to {path}") from exc
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise DeltaError(f"{sidecar} is not a {FORMAT} record")
    return record


def verify_delta(path: Path) -> dict[str, Any]:
    """The sidecar record, after checking that ``path`` has the sha256 it records."""
    record = read_record(path)
    if not path.is_file():
        raise DeltaError(f"delta file {path} is missing")
    actual = sha256_of(path)
    if actual != record.get("sha256"):
        raise DeltaError(
            f"{path} has sha256 {actual}, its record says {record.get('sha256')}: the file is "
            "damaged or was replaced without its .json; reinstall it or retrain with "
            "`sova train qa`"
        )
    return record


def apply_delta(model: Any, path: Path, missing: set[str]) -> None:
    """Load the delta at ``path`` into ``model``; ``missing`` are the parameters the base
    lacked, all of which the delta must provide."""
    from safetensors.torch import load_file

    delta = load_file(str(path))
    own = model.state_dict()
    unknown = sorted(set(delta) - set(own))
    if unknown:
        raise DeltaError(
            f"{path} has tensors the model lacks ({', '.join(unknown[:3])}): "
            "it was trained on a different base model"
        )
    for name, tensor in delta.items():
        if own[name].shape != tensor.shape:
            raise DeltaError(
                f"{path}: {name} has shape {tuple(tensor.shape)}, the model "
                f"{tuple(own[name].shape)}: it was trained on a different base"
            )
    uncovered = sorted(missing - set(delta))
    if uncovered:
        raise DeltaError(f"neither the base model nor {path} has {', '.join(uncovered[:3])}")
    # load_state_dict copies into the model's own (fp32) tensors.
    model.load_state_dict(delta, strict=False)
