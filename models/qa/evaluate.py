"""Reading-only SQuAD evaluation of a reader and of the sentence-selection baseline on the
same questions (by default the articles the reader's training held out).

Each question is read with its own paragraph, so the numbers measure the reader, not
retrieval; ``--distractors N`` adds N other paragraphs of the same article to every question,
as retrieval would, which also tests whether scores rank passages. ``python -m
models.qa.evaluate --data FILE`` prints a table, ``--json`` saves it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from models.qa.reader import QaReader
from models.qa.sentences import select_sentence
from models.qa.squad_eval import (
    SquadQuestion,
    SquadScores,
    load_articles,
    load_squad,
    normalize_answer,
    parse_article_range,
    score,
)


@dataclass(frozen=True, slots=True)
class MethodResult:
    method: str
    passages: int
    """Passages per question: its own paragraph plus distractors."""
    scores: SquadScores
    holds_answer: float
    """Percent of questions whose prediction contains a gold answer (after normalisation)."""
    right_passage: float
    """Percent of questions answered from their own paragraph (100 without distractors)."""
    p50_ms: float
    p90_ms: float
    """Latency of one question over its one passage."""


def _holds_answer(prediction: str, golds: Sequence[str]) -> bool:
    text = f" {normalize_answer(prediction)} "
    return any(f" {normalize_answer(g)} " in text for g in golds if normalize_answer(g))


def passages_for(
    questions: Sequence[SquadQuestion], distractors: int
) -> dict[str, tuple[list[str], int]]:
    """Per question id: its paragraph among ``distractors`` others of its article (the next
    ones, wrapping around), and where its own paragraph is in that list."""
    by_article: dict[int, list[str]] = {}
    for q in questions:
        known = by_article.setdefault(q.article, [])
        if not known or known[-1] != q.context:
            known.append(q.context)
    result = {}
    for number, q in enumerate(questions):
        paragraphs = by_article[q.article]
        own = paragraphs.index(q.context)
        count = min(distractors, len(paragraphs) - 1)
        others = [paragraphs[(own + k) % len(paragraphs)] for k in range(1, count + 1)]
        slot = number % (count + 1)  # the right paragraph is not always first
        result[q.id] = ([*others[:slot], q.context, *others[slot:]], slot)
    return result


def _result(
    method: str,
    questions: Sequence[SquadQuestion],
    predictions: dict[str, str],
    latencies: list[float],
    passages: int,
    right: int,
) -> MethodResult:
    held = sum(_holds_answer(predictions[q.id], q.answers) for q in questions)
    cuts = statistics.quantiles(latencies, n=10) if len(latencies) > 1 else latencies * 9
    return MethodResult(
        method=method,
        passages=passages,
        scores=score(questions, predictions),
        holds_answer=100 * held / len(questions) if questions else 0.0,
        right_passage=100 * right / len(questions) if questions else 0.0,
        p50_ms=1000 * statistics.median(latencies) if latencies else 0.0,
        p90_ms=1000 * cuts[8] if cuts else 0.0,
    )


def evaluate_reader(
    reader: QaReader,
    questions: Sequence[SquadQuestion],
    name: str = "reader",
    distractors: int = 0,
) -> MethodResult:
    """Top-1 span of ``reader`` for each question over its paragraph (plus distractors)."""
    inputs = passages_for(questions, distractors)
    predictions, latencies, right = {}, [], 0
    for q in questions:
        passages, own = inputs[q.id]
        started = time.perf_counter()
        answers = reader.read(q.question, passages)
        latencies.append(time.perf_counter() - started)
        predictions[q.id] = answers[0].text if answers else ""
        right += bool(answers) and answers[0].passage_index == own
    return _result(name, questions, predictions, latencies, distractors + 1, right)


def evaluate_sentences(questions: Sequence[SquadQuestion], distractors: int = 0) -> MethodResult:
    """The sentence-selection baseline: the chosen sentence is the prediction."""
    inputs = passages_for(questions, distractors)
    predictions, latencies, right = {}, [], 0
    for q in questions:
        passages, own = inputs[q.id]
        started = time.perf_counter()
        answer = select_sentence(q.question, passages)
        latencies.append(time.perf_counter() - started)
        predictions[q.id] = answer.text if answer is not None else ""
        right += answer is not None and answer.passage_index == own
    return _result("sentence selection", questions, predictions, latencies, distractors + 1, right)


def format_table(results: Sequence[MethodResult]) -> str:
    lines = [
        f"{'method':<22} {'passages':>8} {'questions':>9} {'EM':>6} {'F1':>6} {'holds':>6} "
        f"{'right':>6} {'p50 ms':>7} {'p90 ms':>7}"
    ]
    for r in results:
        lines.append(
            f"{r.method:<22} {r.passages:>8} {r.scores.questions:>9} {r.scores.exact_match:>6.1f} "
            f"{r.scores.f1:>6.1f} {r.holds_answer:>6.1f} {r.right_passage:>6.1f} "
            f"{r.p50_ms:>7.1f} {r.p90_ms:>7.1f}"
        )
    return "\n".join(lines)


def _articles(args: argparse.Namespace, record: dict[str, Any] | None) -> list[int]:
    count = len(load_articles(args.data))
    if args.articles:
        return parse_article_range(args.articles, count)
    if record is not None:
        return [int(i) for i in record["data"]["heldout_articles"]]
    raise ValueError("say which articles to evaluate on: --articles A:B")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m models.qa.evaluate", description="Reading-only SQuAD EM/F1."
    )
    parser.add_argument("--data", type=Path, required=True, help="SQuAD-format JSON file")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--delta", type=Path, help="delta file (default: the shipped one)")
    source.add_argument("--folder", type=Path, help="a complete Hugging Face QA checkpoint")
    parser.add_argument("--base", type=Path, help="base folder of --delta (default: MiniLM)")
    parser.add_argument(
        "--articles", metavar="A:B", help="articles to use (default: the delta's held-out ones)"
    )
    parser.add_argument("--limit", type=int, help="only the first N questions")
    parser.add_argument(
        "--distractors",
        type=int,
        nargs="*",
        default=[0],
        metavar="N",
        help="also run with N other paragraphs of the article per question (default: 0)",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    import torch

    from models.qa.delta import read_record
    from models.qa.packaged import SHIPPED_DELTA, encoder_dir

    torch.set_num_threads(args.threads)
    record = None
    try:
        if args.folder is not None:
            reader = QaReader.from_folder(args.folder)
            name = f"reader {args.folder.name}"
        else:
            delta = args.delta or SHIPPED_DELTA
            record = read_record(delta)
            reader = QaReader.from_delta(args.base or encoder_dir(), delta)
            name = f"reader {delta.stem}"
        articles = _articles(args, record)
    except (OSError, ValueError) as exc:
        print(f"evaluate: {exc}", file=sys.stderr)
        return 2
    if record is not None:
        overlap = set(articles) - set(record["data"]["heldout_articles"])
        if overlap and Path(record["data"]["file"]).name == args.data.name:
            print(f"warning: articles {sorted(overlap)} were used in training", file=sys.stderr)
    questions = load_squad(args.data, articles)[: args.limit]
    reader.warmup()
    results = []
    for count in args.distractors:
        results.append(evaluate_reader(reader, questions, name, count))
        results.append(evaluate_sentences(questions, count))
    print(f"{args.data.name}, articles {articles}, {len(questions)} questions")
    print(format_table(results))
    if args.json is not None:
        payload = {
            "data": args.data.name,
            "articles": articles,
            "threads": args.threads,
            "results": [asdict(r) for r in results],
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
