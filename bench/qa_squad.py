"""Question answering on SQuAD v1.1: reading only, and open retrieval + reading.

- Reading: each question with its gold paragraph, through Sova's default reader (packaged MiniLM
  + the trained delta) or ``--reader-folder`` (any Hugging Face QA checkpoint); Exact Match and
  F1 with the official SQuAD normalisation, in percent.
- Open: every paragraph of the file is the knowledge base (chunked and embedded like uploads,
  BM25 + multilingual USE fused); the question alone → retrieval recall@1/@5 of its paragraph,
  then the reader over the top passage (``--passages N``) → EM/F1; latency per question.
Only questions from articles the shipped reader never trained on are scored (its sidecar
records the training articles); ``--articles A:B`` overrides.

    python -m bench.qa_squad --data ../shared/data/squad/dev-v1.1.part1.json --out qa.json

JSON: {"reading": {"em", "f1", "n"}, "open": {"recall@1", "recall@5", "em", "f1", "n"},
"latency_ms": {"p50", "p99"}, "articles": [...], "reader": ...}. Reference: DistilBERT-base
fine-tuned on all of SQuAD, reading only: EM 79.5 / F1 86.8.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from bench.e2e_latency import percentile
from bench.output import write_json
from models.qa import QaReader
from models.qa.delta import read_record
from models.qa.packaged import SHIPPED_DELTA
from models.qa.squad_eval import load_articles, load_squad, parse_article_range, score
from plugins.qa.embedding import PassageEmbedder
from plugins.qa.evaluate import build_index
from plugins.qa.index import SearchMode

DEFAULT_DATA = Path("../shared/data/squad/dev-v1.1.part1.json")
# Like the QA plugin, which reads its best passage only (``plugins/qa/answering.py``).
DEFAULT_READ_PASSAGES = 1


def held_out_articles(count: int) -> list[int]:
    """Articles the shipped delta did not train on."""
    trained = str(read_record(SHIPPED_DELTA).get("data", {}).get("train_articles", ""))
    seen = set(parse_article_range(trained, count)) if trained else set()
    return [i for i in range(count) if i not in seen]


def run(
    data: Path,
    articles: list[int] | None,
    reader_folder: Path | None,
    read_passages: int = DEFAULT_READ_PASSAGES,
) -> dict[str, Any]:
    count = len(load_articles(data))
    chosen = articles if articles is not None else held_out_articles(count)
    questions = load_squad(data, chosen)
    reader = QaReader.from_folder(reader_folder) if reader_folder else QaReader.packaged()
    reader.warmup()

    reading: dict[str, str] = {}
    for i, q in enumerate(questions):
        answers = reader.read(q.question, [q.context])
        reading[q.id] = answers[0].text if answers else ""
        _progress("reading", i, len(questions))
    read_scores = score(questions, reading)

    everything = load_squad(data)  # the knowledge base is every paragraph of the file
    paragraphs: list[tuple[str, str]] = []
    paragraph_of: dict[str, int] = {}
    for q in everything:
        if not paragraphs or paragraphs[-1][1] != q.context:
            paragraphs.append((q.title.replace("_", " "), q.context))
        paragraph_of[q.id] = len(paragraphs) - 1
    embedder = PassageEmbedder()
    embedder.question("warm-up")
    index = build_index(paragraphs, embedder)

    hits_1 = hits_5 = 0
    open_answers: dict[str, str] = {}
    latencies: list[float] = []
    retrieval_ms: list[float] = []
    for i, q in enumerate(questions):
        started = time.perf_counter()
        hits = index.search(q.question, embedder.question(q.question), 20, SearchMode.FUSED)
        retrieval_ms.append((time.perf_counter() - started) * 1000)
        ranked: list[int] = []
        for hit in hits:
            if hit.document_id not in ranked:
                ranked.append(hit.document_id)
        passages = [hit.text for hit in hits[:read_passages]]
        answers = reader.read(q.question, passages) if passages else []
        latencies.append((time.perf_counter() - started) * 1000)
        open_answers[q.id] = answers[0].text if answers else ""
        hits_1 += ranked[:1] == [paragraph_of[q.id]]
        hits_5 += paragraph_of[q.id] in ranked[:5]
        _progress("open", i, len(questions))
    open_scores = score(questions, open_answers)
    n = len(questions)
    return {
        "reading": {"em": read_scores.exact_match, "f1": read_scores.f1, "n": n},
        "open": {
            "recall@1": hits_1 / n,
            "recall@5": hits_5 / n,
            "em": open_scores.exact_match,
            "f1": open_scores.f1,
            "n": n,
        },
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 1),
            "p99": round(percentile(latencies, 99), 1),
            "retrieval_p50": round(percentile(retrieval_ms, 50), 1),
        },
        "read_passages": read_passages,
        "articles": chosen,
        "knowledge_base": {"paragraphs": len(paragraphs), "passages": len(index)},
        "reader": str(reader_folder) if reader_folder else f"packaged ({SHIPPED_DELTA.name})",
        "reference_distilbert_reading": {"em": 79.5, "f1": 86.8},
    }


def _progress(stage: str, i: int, total: int) -> None:
    if (i + 1) % 100 == 0 or i + 1 == total:
        print(f"{stage}: {i + 1}/{total}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="SQuAD v1.1 JSON")
    parser.add_argument("--out", type=Path, help="write the JSON here")
    parser.add_argument("--articles", help="A:B article indices to score (default: held out)")
    parser.add_argument("--reader-folder", type=Path, help="a Hugging Face QA checkpoint")
    parser.add_argument(
        "--passages",
        type=int,
        default=DEFAULT_READ_PASSAGES,
        help="open mode: read the top N retrieved passages (the plugin reads 1)",
    )
    args = parser.parse_args(argv)
    count = len(load_articles(args.data))
    articles = parse_article_range(args.articles, count) if args.articles else None
    result = run(args.data, articles, args.reader_folder, args.passages)
    reading, open_ = result["reading"], result["open"]
    print(
        f"{len(result['articles'])} held-out articles, {reading['n']} questions; "
        f"reader: {result['reader']}"
    )
    print(f"{'mode':<10}{'EM':>7}{'F1':>7}{'R@1':>7}{'R@5':>7}")
    print(f"{'reading':<10}{reading['em']:>7.1f}{reading['f1']:>7.1f}")
    print(
        f"{'open':<10}{open_['em']:>7.1f}{open_['f1']:>7.1f}"
        f"{open_['recall@1']:>7.3f}{open_['recall@5']:>7.3f}"
    )
    print(f"{'DistilBERT':<10}{79.5:>7.1f}{86.8:>7.1f}  (reading, trained on all of SQuAD)")
    lat = result["latency_ms"]
    print(
        f"open latency per question (top {result['read_passages']} read): p50 {lat['p50']} ms "
        f"(retrieval {lat['retrieval_p50']} ms), p99 {lat['p99']} ms"
    )
    if args.out:
        write_json(args.out, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
