"""On-disk cache of trained models, keyed by everything that could change them.

The key covers the catalog's content, the options, the out-of-scope data, this package's own
source code and the versions of the learning libraries; so editing an example, a feature
function or upgrading scikit-learn retrains, and nothing else does.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import shutil
import tempfile
from dataclasses import asdict
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from bot.nlu.options import NluOptions

_PACKAGE_DIR = Path(__file__).parent
_LIBRARIES = ("scikit-learn", "sklearn-crfsuite", "python-crfsuite", "numpy", "scipy")
_MODEL_FILE = "models.pkl"
_KEEP_ENTRIES = 3  # older entries are removed so the cache does not grow without bound

logger = logging.getLogger(__name__)


@cache
def code_version() -> str:
    """A digest of this package's Python sources and the learning libraries' versions."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE_DIR.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    for library in _LIBRARIES:
        try:
            digest.update(f"{library}={version(library)}".encode())
        except PackageNotFoundError:
            digest.update(f"{library}=none".encode())
    return digest.hexdigest()


def cache_key(catalog_hash: str, options: NluOptions, extra: str = "") -> str:
    options_text = repr(sorted(asdict(options).items()))
    parts = (catalog_hash, options_text, code_version(), extra)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def load(cache_dir: Path, key: str) -> Any | None:
    """The pickled models under `key`, or None when absent or unreadable (then retrain)."""
    path = cache_dir / key / _MODEL_FILE
    if not path.exists():
        return None
    try:
        with path.open("rb") as file:
            return pickle.load(file)  # our own files, written by `save` below
    except Exception:  # a truncated or stale file must never stop the bot: retrain instead
        logger.warning("NLU model cache %s is unreadable; retraining", path, exc_info=True)
        return None


def save(cache_dir: Path, key: str, models: Any) -> None:
    """Write atomically (temp dir + rename), then drop all but the newest entries."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=cache_dir))
    try:
        with (staging / _MODEL_FILE).open("wb") as file:
            pickle.dump(models, file, protocol=pickle.HIGHEST_PROTOCOL)
        target = cache_dir / key
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    _prune(cache_dir, keep=key)


def _prune(cache_dir: Path, keep: str) -> None:
    entries = [
        entry
        for entry in cache_dir.iterdir()
        if entry.is_dir() and entry.name != keep and (entry / _MODEL_FILE).exists()
    ]
    entries.sort(key=lambda entry: entry.stat().st_mtime, reverse=True)
    for stale in entries[_KEEP_ENTRIES - 1 :]:
        shutil.rmtree(stale, ignore_errors=True)
