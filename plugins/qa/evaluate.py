"""Retrieval quality on SQuAD v1.1: recall@1/@5 of the gold paragraph, and search latency.

Every paragraph is one document (its article's title as the title), cut into passages by
the same chunker and embedded by the same embedder as uploads; a question is answered
right at rank k when its own paragraph is among the first k distinct documents. Runs in
memory (no SQL), so it measures retrieval alone::

    python -m plugins.qa.evaluate --data dev-v1.1.json --questions 500 --out qa.json
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

from plugins.qa.document import Block
from plugins.qa.embedding import PassageEmbedder, PassageText, passage_context
from plugins.qa.index import DEFAULT_LEXICAL_WEIGHT, PassageIndex, SearchMode
from plugins.qa.passages import ChunkingOptions, chunk
from plugins.qa.records import StoredPassage

CANDIDATES = 20  # passages fetched to find the first 5 distinct documents


@dataclass(frozen=True, slots=True)
class SquadQuestion:
    question: str
    paragraph: int


@dataclass(frozen=True, slots=True)
class ModeResult:
    mode: str
    recall_at_1: float
    recall_at_5: float
    latency_p50_ms: float
    latency_p95_ms: float


@dataclass(frozen=True, slots=True)
class SquadEvaluation:
    paragraphs: int
    passages: int
    questions: int
    index_seconds: float
    """Chunking, embedding and building the index for every paragraph."""
    lexical_weight: float
    results: tuple[ModeResult, ...]


def load_squad(path: Path) -> tuple[list[tuple[str, str]], list[SquadQuestion]]:
    """(title, paragraph) pairs and the questions, each with its paragraph's index."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    paragraphs: list[tuple[str, str]] = []
    questions: list[SquadQuestion] = []
    for article in data:
        title = article["title"].replace("_", " ")
        for paragraph in article["paragraphs"]:
            questions.extend(
                SquadQuestion(qa["question"], len(paragraphs)) for qa in paragraph["qas"]
            )
            paragraphs.append((title, paragraph["context"]))
    return paragraphs, questions


def build_index(
    paragraphs: Sequence[tuple[str, str]],
    embedder: PassageEmbedder,
    *,
    chunking: ChunkingOptions | None = None,
    lexical_weight: float = DEFAULT_LEXICAL_WEIGHT,
) -> PassageIndex:
    """Paragraph i becomes document i; passage ids are positions."""
    options = chunking or ChunkingOptions()
    drafts = [
        (doc_id, title, draft)
        for doc_id, (title, text) in enumerate(paragraphs)
        for draft in chunk([Block(text)], options)
    ]
    texts = [PassageText(passage_context(t, d.heading, d.text), d.text) for _, t, d in drafts]
    blobs = embedder.passages(texts)
    passages = [
        StoredPassage(i, doc_id, title, d.ordinal, d.heading, d.text, blob)
        for i, ((doc_id, title, d), blob) in enumerate(zip(drafts, blobs, strict=True))
    ]
    return PassageIndex.build(passages, lexical_weight=lexical_weight)


def _first_documents(document_ids: Sequence[int], n: int) -> list[int]:
    seen: list[int] = []
    for doc_id in document_ids:
        if doc_id not in seen:
            seen.append(doc_id)
            if len(seen) == n:
                break
    return seen


def evaluate_index(
    index: PassageIndex,
    questions: Sequence[SquadQuestion],
    embedder: PassageEmbedder,
    mode: SearchMode,
) -> ModeResult:
    hits_1 = hits_5 = 0
    latencies: list[float] = []
    for item in questions:
        started = time.perf_counter()
        vector = None if mode is SearchMode.LEXICAL else embedder.question(item.question)
        hits = index.search(item.question, vector, CANDIDATES, mode)
        latencies.append((time.perf_counter() - started) * 1000)
        ranked = _first_documents([h.document_id for h in hits], 5)
        hits_1 += ranked[:1] == [item.paragraph]
        hits_5 += item.paragraph in ranked
    n = max(len(questions), 1)
    return ModeResult(
        mode=mode.value,
        recall_at_1=hits_1 / n,
        recall_at_5=hits_5 / n,
        latency_p50_ms=statistics.median(latencies) if latencies else 0.0,
        latency_p95_ms=statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else 0.0,
    )


def evaluate_squad(
    path: Path,
    *,
    max_questions: int = 500,
    embedder: PassageEmbedder | None = None,
    lexical_weight: float = DEFAULT_LEXICAL_WEIGHT,
    modes: Sequence[SearchMode] = tuple(SearchMode),
) -> SquadEvaluation:
    """All paragraphs of the file as the knowledge base, the first ``max_questions``."""
    embedder = embedder or PassageEmbedder()
    paragraphs, questions = load_squad(path)
    questions = questions[:max_questions]
    embedder.question("warm-up")  # loading the model is not indexing time
    started = time.perf_counter()
    index = build_index(paragraphs, embedder, lexical_weight=lexical_weight)
    index_seconds = time.perf_counter() - started
    results = tuple(evaluate_index(index, questions, embedder, mode) for mode in modes)
    return SquadEvaluation(
        paragraphs=len(paragraphs), passages=len(index), questions=len(questions),
        index_seconds=index_seconds, lexical_weight=lexical_weight, results=results,
    )  # fmt: skip


def table(evaluation: SquadEvaluation) -> str:
    lines = [
        f"{evaluation.paragraphs} paragraphs → {evaluation.passages} passages, "
        f"indexed in {evaluation.index_seconds:.1f} s; {evaluation.questions} questions; "
        f"lexical weight {evaluation.lexical_weight}",
        f"{'mode':<8} {'R@1':>6} {'R@5':>6} {'p50 ms':>7} {'p95 ms':>7}",
    ]
    lines += [
        f"{r.mode:<8} {r.recall_at_1:>6.3f} {r.recall_at_5:>6.3f} "
        f"{r.latency_p50_ms:>7.1f} {r.latency_p95_ms:>7.1f}"
        for r in evaluation.results
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, required=True, help="SQuAD v1.1 JSON file")
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--lexical-weight", type=float, default=DEFAULT_LEXICAL_WEIGHT)
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    evaluation = evaluate_squad(
        args.data, max_questions=args.questions, lexical_weight=args.lexical_weight
    )
    print(table(evaluation))
    if args.out:
        payload: dict[str, Any] = asdict(evaluation)
        args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
