"""Fine-tune an encoder into an extractive QA reader on SQuAD-format JSON, and save only what
changed (the top encoder layers and the QA head) as a delta on top of the base model.

``sova train qa --data FILE`` runs ``main``. The default base is the packaged MiniLM and the
default split trains on the first half of the file's articles, so the second half stays
unseen for evaluation (``python -m models.qa.evaluate``). Runs are deterministic for a given
seed, thread count and library versions; the sidecar .json records all of them.
"""

from __future__ import annotations

import argparse
import math
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from models.qa.squad_eval import load_articles, load_squad, parse_article_range
from models.qa.training_data import (
    TrainingFeature,
    length_batches,
    negative_pairs,
    training_features,
)
from models.qa.windows import WindowOptions, to_tensors

DEFAULT_OUT = Path("minilm-squad.safetensors")


@dataclass(frozen=True)
class TrainingConfig:
    data: Path
    out: Path = DEFAULT_OUT
    base: Path | None = None
    """Encoder folder; None = the packaged MiniLM."""
    train_articles: str | None = None
    """``A:B`` article indices to train on; None = the first half."""
    epochs: float = 2.5
    train_layers: int = 4
    """Top encoder layers to fine-tune. Each of MiniLM's costs 3.5 MB in fp16 (all 6 would
    exceed the 20 MB budget) and backward passes through it; the embeddings stay frozen."""
    learning_rate: float = 3e-4
    """High for BERT, right for this small model and few steps: on the held-out half of SQuAD
    dev part 1, 1e-4 for 2 epochs reached F1 49, 3e-4 for 3 epochs F1 60.5."""
    batch_size: int = 16
    warmup: float = 0.1
    """Share of the steps with a linearly rising learning rate; it then falls to 0."""
    weight_decay: float = 0.01
    negatives: float = 0.3
    """Share of the questions that are also trained on a paragraph without their answer. With
    0.3 (and 2.5 epochs, same time), F1 with two distractor paragraphs went from 30 to 52
    and the single-paragraph F1 stayed at 60.6."""
    windows: WindowOptions = field(default_factory=WindowOptions)
    seed: int = 0
    threads: int = 2
    max_steps: int | None = None
    """Stop early (smoke tests)."""


def _trainable(model: Any, train_layers: int) -> list[str]:
    """Parameter names of the top ``train_layers`` encoder layers and of the QA head."""
    prefix = f"{model.base_model_prefix}."
    layers = len(model.base_model.encoder.layer)
    top = range(max(0, layers - train_layers), layers)
    layer_prefixes = tuple(f"{prefix}encoder.layer.{i}." for i in top)
    return [
        name
        for name, _ in model.named_parameters()
        if name.startswith(layer_prefixes) or not name.startswith(prefix)
    ]


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s"


@dataclass(frozen=True)
class _Split:
    spec: str
    train: list[int]
    heldout: list[int]
    titles: list[str]


def _split(config: TrainingConfig) -> _Split:
    titles = [str(a.get("title", i)) for i, a in enumerate(load_articles(config.data))]
    spec = config.train_articles or f"0:{len(titles) // 2}"
    chosen = parse_article_range(spec, len(titles))
    heldout = [i for i in range(len(titles)) if i not in set(chosen)]
    return _Split(spec, chosen, heldout, titles)


def _optimizer(model: Any, names: Sequence[str], config: TrainingConfig) -> Any:
    import torch

    params = dict(model.named_parameters())
    # As in BERT's recipe: no weight decay on biases and LayerNorm scales.
    no_decay = {n for n in names if n.endswith("bias") or "LayerNorm" in n}
    groups: list[dict[str, Any]] = [
        {"params": [params[n] for n in names if n not in no_decay]},
        {"params": [params[n] for n in names if n in no_decay], "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(
        groups,
        lr=config.learning_rate,
        weight_decay=config.weight_decay,
    )


def _fit(
    model: Any,
    features: Sequence[TrainingFeature],
    optimizer: Any,
    config: TrainingConfig,
    pad_id: int,
    log: Callable[[str], None],
) -> tuple[int, float]:
    """The training loop; returns (steps, mean loss of the last 50 steps)."""
    import numpy as np
    import torch

    rng = np.random.default_rng(config.seed)
    lengths = [len(f.input_ids) for f in features]
    per_epoch = len(length_batches(lengths, config.batch_size, np.random.default_rng(0)))
    total = max(1, math.ceil(config.epochs * per_epoch))
    if config.max_steps is not None:
        total = min(total, config.max_steps)
    warmup_steps = int(config.warmup * total)

    def rate(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / (warmup_steps + 1)
        return max(0.0, (total - step) / max(1, total - warmup_steps))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, rate)
    trained = [p for p in model.parameters() if p.requires_grad]
    log(f"{len(features)} windows, {total} steps of {config.batch_size}")
    model.train()
    step, seen, recent = 0, 0, [float("nan")]
    started = time.perf_counter()
    while step < total:
        for batch in length_batches(lengths, config.batch_size, rng)[: total - step]:
            chosen = [features[i] for i in batch]
            loss = model(
                **to_tensors(chosen, pad_id, "cpu"),
                start_positions=torch.tensor([f.start for f in chosen]),
                end_positions=torch.tensor([f.end for f in chosen]),
            ).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trained, 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            seen += len(chosen)
            recent = [*recent[-49:], loss.item()] if step > 1 else [loss.item()]
            if step % 20 == 0 or step == total:
                elapsed = time.perf_counter() - started
                log(
                    f"step {step}/{total}  epoch {step / per_epoch:.2f}  "
                    f"loss {sum(recent) / len(recent):.3f}  {seen / elapsed:.1f} ex/s  "
                    f"elapsed {_clock(elapsed)}  eta {_clock(elapsed / step * (total - step))}"
                )
    return step, sum(recent) / len(recent)


def train(config: TrainingConfig, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Train, write the delta and its sidecar to ``config.out``; returns the sidecar record."""
    import torch

    # Threads are process-wide: a caller (a test, a notebook) gets its own setting back.
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(config.threads)
    try:
        return _train(config, log)
    finally:
        torch.set_num_threads(previous_threads)


def _train(config: TrainingConfig, log: Callable[[str], None]) -> dict[str, Any]:
    import torch
    import transformers

    from models.qa.checkpoint import WEIGHTS_FILE, load_base, load_tokenizer
    from models.qa.delta import save_delta, sha256_of
    from models.qa.packaged import ENCODER_PACKAGE, encoder_dir, encoder_version

    started = time.perf_counter()
    torch.manual_seed(config.seed)  # the new QA head's initial weights, dropout
    split = _split(config)
    questions = load_squad(config.data, split.train)
    base = config.base or encoder_dir()
    tokenizer = load_tokenizer(base)
    model, missing = load_base(base)
    names = _trainable(model, config.train_layers)
    untrained = sorted(missing - set(names))
    if untrained:
        raise ValueError(f"{base} lacks {', '.join(untrained[:3])}, which would stay random")
    for name, parameter in model.named_parameters():
        parameter.requires_grad_(name in names)
    log(
        f"training on {len(questions)} questions from articles {split.spec} of "
        f"{config.data.name}: top {config.train_layers} layers + head, {config.threads} threads"
    )
    negatives = negative_pairs(questions, config.negatives, config.seed)
    features = training_features(tokenizer, questions, config.windows, negatives)
    steps, loss = _fit(
        model, features, _optimizer(model, names, config), config,
        tokenizer.pad_token_id or 0, log,
    )  # fmt: skip

    base_record: dict[str, Any] = {"weights_sha256": sha256_of(base / WEIGHTS_FILE)}
    if config.base is None:
        base_record |= {"package": ENCODER_PACKAGE, "version": encoder_version()}
    else:
        base_record |= {"folder": str(config.base)}
    settings = {k: v for k, v in asdict(config).items() if k not in ("data", "out", "base")}
    record = {
        "base": base_record,
        "trained": sorted({n.rsplit(".", 1)[0] for n in names}),
        "data": {
            "file": config.data.name,
            "sha256": sha256_of(config.data),
            "train_articles": split.spec,
            "train_titles": [split.titles[i] for i in split.train],
            "heldout_articles": split.heldout,
            "heldout_titles": [split.titles[i] for i in split.heldout],
            "questions": len(questions),
            "negatives": len(negatives),
            "windows": len(features),
        },
        "settings": settings,
        "run": {
            "steps": steps,
            "final_loss": round(loss, 4),
            "seconds": round(time.perf_counter() - started, 1),
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "python": platform.python_version(),
        },
    }
    params = dict(model.named_parameters())
    full = save_delta(config.out, {n: params[n] for n in names}, record)
    log(
        f"wrote {config.out} ({full['bytes'] / 1e6:.1f} MB, sha256 {full['sha256'][:12]}...) "
        f"in {_clock(full['run']['seconds'])}; evaluate on the held-out articles with "
        f"python -m models.qa.evaluate --data {config.data} --delta {config.out}"
    )
    return full


# --- command line ------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``sova train qa`` (also ``python -m models.qa.train``)."""
    defaults = TrainingConfig(data=Path())
    windows = defaults.windows
    parser.add_argument("--data", type=Path, required=True, help="SQuAD-format JSON file")
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"delta file to write (default {DEFAULT_OUT})",
    )
    parser.add_argument(
        "--base", type=Path, help="encoder folder to fine-tune (default: the packaged MiniLM)"
    )
    parser.add_argument(
        "--train-articles",
        metavar="A:B",
        help="article indices to train on (default: the first half); the rest stay held out",
    )
    parser.add_argument("--epochs", type=float, default=defaults.epochs)
    parser.add_argument(
        "--train-layers",
        type=int,
        default=defaults.train_layers,
        help=f"top encoder layers to fine-tune (default {defaults.train_layers})",
    )
    parser.add_argument("--lr", type=float, default=defaults.learning_rate)
    parser.add_argument(
        "--negatives",
        type=float,
        default=defaults.negatives,
        help="share of questions also paired with a paragraph that lacks the answer",
    )
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--max-length", type=int, default=windows.max_length)
    parser.add_argument("--stride", type=int, default=windows.stride)
    parser.add_argument("--max-question-tokens", type=int, default=windows.max_question_tokens)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--threads", type=int, default=defaults.threads)
    parser.add_argument("--max-steps", type=int, help="stop after this many steps")


def run(args: argparse.Namespace) -> int:
    """Train with parsed ``add_arguments`` options."""
    try:
        config = TrainingConfig(
            data=args.data,
            out=args.out,
            base=args.base,
            train_articles=args.train_articles,
            epochs=args.epochs,
            train_layers=args.train_layers,
            learning_rate=args.lr,
            negatives=args.negatives,
            batch_size=args.batch_size,
            windows=WindowOptions(
                max_length=args.max_length,
                stride=args.stride,
                max_question_tokens=args.max_question_tokens,
            ),
            seed=args.seed,
            threads=args.threads,
            max_steps=args.max_steps,
        )
        train(config, log=lambda line: print(line, flush=True))
    except (OSError, ValueError) as exc:
        print(f"sova train qa: {exc}", file=sys.stderr)
        return 2
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="sova train qa", description="Fine-tune the QA reader on SQuAD-format JSON."
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
