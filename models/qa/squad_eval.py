"""SQuAD v1.1 data and its official metrics (exact match and token F1 after normalisation,
the best over the gold answers), for training and for benchmarks."""

from __future__ import annotations

import json
import re
import string
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SquadQuestion:
    id: str
    question: str
    context: str
    answers: tuple[str, ...]
    answer_starts: tuple[int, ...]
    """Character offset of each gold answer in ``context``."""
    article: int
    """Index of the article in the file's ``data`` list."""
    title: str


@dataclass(frozen=True, slots=True)
class SquadScores:
    exact_match: float
    f1: float
    """Both in percent, averaged over the questions; a question without a prediction
    scores 0, as in the official script."""
    questions: int


def load_articles(path: Path | str) -> list[dict[str, object]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    articles = data.get("data") if isinstance(data, dict) else None
    if not isinstance(articles, list):
        raise ValueError(f"{path} is not SQuAD-format JSON (no top-level 'data' list)")
    return articles


def load_squad(path: Path | str, articles: Iterable[int] | None = None) -> list[SquadQuestion]:
    """The questions of the chosen articles (indices into ``data``; all if None), in file
    order."""
    all_articles = load_articles(path)
    chosen = sorted(set(articles)) if articles is not None else range(len(all_articles))
    questions = []
    for index in chosen:
        if not 0 <= index < len(all_articles):
            raise ValueError(f"{path} has {len(all_articles)} articles, no article {index}")
        article = all_articles[index]
        title = str(article.get("title", index))
        for paragraph in article["paragraphs"]:  # type: ignore[attr-defined]
            context = paragraph["context"]
            for qa in paragraph["qas"]:
                questions.append(
                    SquadQuestion(
                        id=str(qa["id"]),
                        question=qa["question"],
                        context=context,
                        answers=tuple(a["text"] for a in qa["answers"]),
                        answer_starts=tuple(int(a["answer_start"]) for a in qa["answers"]),
                        article=index,
                        title=title,
                    )
                )
    return questions


def parse_article_range(spec: str, count: int) -> list[int]:
    """``"A:B"`` (Python slice syntax, either end may be left out) → article indices."""
    parts = spec.split(":")
    if len(parts) != 2:
        raise ValueError(f"article range {spec!r} should look like A:B, e.g. 0:12")
    try:
        bounds = [int(p) if p.strip() else None for p in parts]
    except ValueError:
        raise ValueError(f"article range {spec!r} should look like A:B, e.g. 0:12") from None
    indices = list(range(count))[slice(*bounds)]
    if not indices:
        raise ValueError(f"article range {spec!r} selects none of the {count} articles")
    return indices


# --- the official v1.1 evaluation ------------------------------------------------------------

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = frozenset(string.punctuation)


def normalize_answer(text: str) -> str:
    """Lower case, drop punctuation, the articles a/an/the and extra whitespace."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(prediction: str, gold: str) -> float:
    return float(normalize_answer(prediction) == normalize_answer(gold))


def f1(prediction: str, gold: str) -> float:
    predicted, expected = normalize_answer(prediction).split(), normalize_answer(gold).split()
    common = Counter(predicted) & Counter(expected)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(predicted), same / len(expected)
    return 2 * precision * recall / (precision + recall)


def best_over_gold(prediction: str, golds: Sequence[str], metric: str = "f1") -> float:
    """``metric`` ("em" or "f1") against the closest gold answer."""
    function = exact_match if metric == "em" else f1
    return max((function(prediction, gold) for gold in golds), default=0.0)


def score(questions: Sequence[SquadQuestion], predictions: Mapping[str, str]) -> SquadScores:
    """EM and F1 of ``predictions`` (question id → answer text) over ``questions``."""
    em_total = f1_total = 0.0
    for q in questions:
        if q.id in predictions:
            em_total += best_over_gold(predictions[q.id], q.answers, "em")
            f1_total += best_over_gold(predictions[q.id], q.answers, "f1")
    count = len(questions)
    return SquadScores(
        exact_match=100 * em_total / count if count else 0.0,
        f1=100 * f1_total / count if count else 0.0,
        questions=count,
    )
