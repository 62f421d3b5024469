"""SNIPS benchmark of Sova's NLU models: intent accuracy, slot F1, sentence accuracy, latency.

    python -m bench.nlu_snips [--data ../shared/data/snips] [--out bench/out/nlu_snips.json]

Trains `IntentClassifier` and `SlotTagger` on train/ and reports on valid/ (and test/ when
present). Each utterance is predicted on its own, intent first and then slots with that
intent, as the app does, so latency is per utterance. The baseline in the same run is TF-IDF
(char 2-5 + word 1-2) with scikit-learn's default LogisticRegression.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bench.output import write_json
from bot.nlu.bio import chunks_from_tags
from bot.nlu.calibration import expected_calibration_error
from bot.nlu.classifier import IntentClassifier
from bot.nlu.embeddings import SentenceEmbedder, UseEmbedder
from bot.nlu.tagger import SlotTagger

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "snips"
LOW_RESOURCE_PER_INTENT = 30
LOW_RESOURCE_SEEDS = (0, 1, 2)


@dataclass(frozen=True)
class Split:
    texts: list[str]
    tokens: list[list[str]]
    tags: list[list[str]]
    labels: list[str]


def load_split(folder: Path) -> Split:
    lines = (folder / "seq.in").read_text(encoding="utf-8").splitlines()
    tag_lines = (folder / "seq.out").read_text(encoding="utf-8").splitlines()
    labels = (folder / "label").read_text(encoding="utf-8").split()
    tokens = [line.split() for line in lines]
    tags = [line.split() for line in tag_lines]
    if not len(tokens) == len(tags) == len(labels):
        raise ValueError(f"{folder}: seq.in, seq.out and label differ in length")
    return Split([" ".join(t) for t in tokens], tokens, tags, labels)


def slot_counts(gold: Sequence[str], predicted: Sequence[str]) -> tuple[int, int, int]:
    """(correct, predicted, gold) chunk counts; a chunk is right only if label and span match."""
    gold_chunks = set(chunks_from_tags(gold))
    predicted_chunks = set(chunks_from_tags(predicted))
    return len(gold_chunks & predicted_chunks), len(predicted_chunks), len(gold_chunks)


def evaluate(classifier: IntentClassifier, tagger: SlotTagger, split: Split) -> dict[str, Any]:
    correct_intents = correct_sentences = 0
    correct_chunks = predicted_chunks = gold_chunks = 0
    latencies: list[float] = []
    probabilities: list[np.ndarray[Any, Any]] = []
    for text, tokens, gold_tags, label in zip(
        split.texts, split.tokens, split.tags, split.labels, strict=True
    ):
        started = time.perf_counter()
        scores = classifier.predict_proba([text])[0]
        intent = str(classifier.classes_[int(scores.argmax())])
        tags = tagger.predict(tokens, context=intent)
        latencies.append((time.perf_counter() - started) * 1000)
        probabilities.append(scores)
        right, predicted, gold = slot_counts(gold_tags, tags)
        correct_chunks += right
        predicted_chunks += predicted
        gold_chunks += gold
        intent_right = intent == label
        correct_intents += intent_right
        correct_sentences += intent_right and list(tags) == list(gold_tags)
    precision = correct_chunks / predicted_chunks if predicted_chunks else 0.0
    recall = correct_chunks / gold_chunks if gold_chunks else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    label_index = {name: i for i, name in enumerate(classifier.classes_)}
    gold_indices = np.array([label_index.get(label, -1) for label in split.labels])
    ece = expected_calibration_error(np.vstack(probabilities), gold_indices)
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "intent_accuracy": correct_intents / len(split.labels),
        "slot_f1": f1,
        "sentence_accuracy": correct_sentences / len(split.labels),
        "latency_ms": {"p50": statistics.median(latencies), "p99": quantiles[98]},
        "intent_ece": ece,
        "size": len(split.labels),
    }


def baseline_accuracy(train: Split, others: dict[str, Split]) -> dict[str, dict[str, float]]:
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")
    features = hstack([char.fit_transform(train.texts), word.fit_transform(train.texts)])
    model = LogisticRegression(max_iter=3000).fit(features.tocsr(), train.labels)
    results: dict[str, dict[str, float]] = {}
    for name, split in others.items():
        test_features = hstack([char.transform(split.texts), word.transform(split.texts)])
        predicted = model.predict(test_features.tocsr())
        results[name] = {"intent_accuracy": float(np.mean(predicted == np.array(split.labels)))}
    return results


def low_resource(
    train: Split, valid: Split, embedder: SentenceEmbedder, train_vectors: np.ndarray[Any, Any]
) -> dict[str, float]:
    """Intent accuracy on valid when training on only a few examples per intent: where the
    embeddings earn their place (Sova's plugins have tens of examples, not thousands)."""
    labels = np.array(train.labels)
    valid_vectors = embedder(valid.texts)
    with_embeddings: list[float] = []
    without: list[float] = []
    for seed in LOW_RESOURCE_SEEDS:
        rng = np.random.default_rng(seed)
        chosen = np.concatenate(
            [
                rng.choice(np.flatnonzero(labels == name), LOW_RESOURCE_PER_INTENT, replace=False)
                for name in sorted(set(train.labels))
            ]
        )
        texts = [train.texts[i] for i in chosen]
        subset_labels = [train.labels[i] for i in chosen]
        for target, model_embedder in ((with_embeddings, embedder), (without, None)):
            model = IntentClassifier(embedder=model_embedder)
            vectors = train_vectors[chosen] if model_embedder is not None else None
            model.fit(texts, subset_labels, embeddings=vectors)
            valid_input = valid_vectors if model_embedder is not None else None
            predicted = model.predict_proba(valid.texts, embeddings=valid_input).argmax(axis=1)
            accuracy = np.mean(model.classes_[predicted] == np.array(valid.labels))
            target.append(float(accuracy))
    return {
        "per_intent": LOW_RESOURCE_PER_INTENT,
        "intent_accuracy_with_embeddings": float(np.mean(with_embeddings)),
        "intent_accuracy_tfidf_only": float(np.mean(without)),
    }


def print_table(report: dict[str, Any]) -> None:
    columns: list[tuple[str, int]] = [("intent acc", 12), ("slot F1", 10), ("sentence", 10)]
    columns += [("p50 ms", 9), ("p99 ms", 9), ("ECE", 8), ("baseline", 10)]
    print(f"{'split':<8}" + "".join(f"{title:>{width}}" for title, width in columns))
    for name in ("valid", "test"):
        if name not in report:
            continue
        row = report[name]
        baseline = report["baseline_tfidf"][name]["intent_accuracy"]
        print(
            f"{name:<8}{row['intent_accuracy']:>12.4f}{row['slot_f1']:>10.4f}"
            f"{row['sentence_accuracy']:>10.4f}{row['latency_ms']['p50']:>9.2f}"
            f"{row['latency_ms']['p99']:>9.2f}{row['intent_ece']:>8.4f}{baseline:>10.4f}"
        )
    low = report.get("low_resource")
    if low:
        print(
            f"valid, {low['per_intent']} examples per intent: "
            f"{low['intent_accuracy_with_embeddings']:.4f} with embeddings, "
            f"{low['intent_accuracy_tfidf_only']:.4f} TF-IDF only"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "nlu_snips.json")
    parser.add_argument("--no-embeddings", action="store_true", help="TF-IDF and CRF only")
    parser.add_argument("--no-low-resource", action="store_true", help="skip that comparison")
    args = parser.parse_args(argv)
    data: Path = args.data if args.data.is_absolute() else (REPO / args.data)
    if not (data / "train" / "seq.in").exists() or not (data / "valid" / "seq.in").exists():
        print(f"SNIPS data not found under {data}; skipping the NLU benchmark.")
        return 0
    train = load_split(data / "train")
    splits = {"valid": load_split(data / "valid")}
    if (data / "test" / "seq.in").exists():
        splits["test"] = load_split(data / "test")
    embedder: SentenceEmbedder | None = None if args.no_embeddings else UseEmbedder()

    started = time.perf_counter()
    train_vectors = embedder(train.texts) if embedder is not None else None
    classifier = IntentClassifier(embedder=embedder).fit(
        train.texts, train.labels, embeddings=train_vectors
    )
    classifier_seconds = time.perf_counter() - started
    started = time.perf_counter()
    tagger = SlotTagger(embedder=embedder).fit(train.tokens, train.tags, contexts=train.labels)
    tagger_seconds = time.perf_counter() - started
    timing = f"trained: classifier {classifier_seconds:.0f} s, tagger {tagger_seconds:.0f} s"
    print(timing, file=sys.stderr)

    report: dict[str, Any] = {name: evaluate(classifier, tagger, s) for name, s in splits.items()}
    report["baseline_tfidf"] = baseline_accuracy(train, splits)
    report["train_seconds"] = {"classifier": classifier_seconds, "tagger": tagger_seconds}
    report["embeddings"] = embedder is not None
    if embedder is not None and train_vectors is not None and not args.no_low_resource:
        report["low_resource"] = low_resource(train, splits["valid"], embedder, train_vectors)
    print_table(report)
    out: Path = args.out
    write_json(out, report)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
