"""Loading QA models from local folders, never from a hub.

- ``load_qa_folder``: a complete Hugging Face QA checkpoint (config, weights with a QA head,
  tokenizer), e.g. one an operator fine-tuned elsewhere.
- ``load_base``: an encoder-only folder (such as the packaged MiniLM) as a QA model whose
  missing parts (the QA head) are left for a delta or for training to fill.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

WEIGHTS_FILE = "model.safetensors"


def load_tokenizer(folder: Path) -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(folder, local_files_only=True)


def load_qa_folder(folder: Path) -> tuple[Any, Any]:
    """(model, tokenizer) of a complete QA checkpoint; refuses a folder without a QA head,
    which would otherwise answer with a randomly initialised one."""
    from transformers import AutoModelForQuestionAnswering

    _check_folder(folder)
    model, info = AutoModelForQuestionAnswering.from_pretrained(
        folder, local_files_only=True, output_loading_info=True
    )
    missing = sorted(info.get("missing_keys", ()))
    if missing:
        raise ValueError(
            f"{folder} is not a question-answering checkpoint: it lacks {', '.join(missing[:4])}"
            f"{' ...' if len(missing) > 4 else ''}; fine-tune it first (`sova train qa "
            "--base FOLDER`) and load the result with QaReader.from_delta"
        )
    return model, load_tokenizer(folder)


def load_base(folder: Path) -> tuple[Any, set[str]]:
    """A QA model built from ``folder``'s config with the weights ``folder`` has, and the
    names of the parameters it did not have (randomly initialised, e.g. ``qa_outputs.*``)."""
    from safetensors.torch import load_file
    from transformers import AutoConfig, AutoModelForQuestionAnswering

    _check_folder(folder)
    weights_path = folder / WEIGHTS_FILE
    if not weights_path.is_file():
        raise ValueError(f"{folder} has no {WEIGHTS_FILE}: a base model folder needs one")
    config = AutoConfig.from_pretrained(folder, local_files_only=True)
    model = AutoModelForQuestionAnswering.from_config(config)  # type: ignore[no-untyped-call]
    own = model.state_dict()
    # An encoder-only checkpoint names its tensors without the task model's prefix
    # ("encoder.layer.0..." for "bert.encoder.layer.0..."); its extras (the pooler) are unused.
    prefix = f"{model.base_model_prefix}."
    state = {}
    for key, tensor in load_file(str(weights_path)).items():
        name = key if key in own else prefix + key
        if name in own:
            if own[name].shape != tensor.shape:
                raise ValueError(
                    f"{weights_path}: {key} has shape {tuple(tensor.shape)}, the config "
                    f"wants {tuple(own[name].shape)}"
                )
            state[name] = tensor
    model.load_state_dict(state, strict=False)
    return model, set(own) - set(state)


def _check_folder(folder: Path) -> None:
    if not (folder / "config.json").is_file():
        raise ValueError(
            f"{folder} is not a model folder (no config.json); give the folder that holds "
            "config.json, the weights and the tokenizer files"
        )
