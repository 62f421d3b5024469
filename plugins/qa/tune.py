"""How ``answer_threshold`` trades answers for "don't know", on SQuAD and on Sova's docs.

For each threshold: the share of answerable questions answered, how often the answer
sentence holds the answer, and the share of unanswerable questions answered anyway
(wrongly). SQuAD's unanswerable questions are its own questions with their article
removed from the index, so a near-miss article is what retrieval finds instead. Sova's
docs get a fixed list of questions in both languages (``SOVA_ANSWERABLE``) and of
questions they cannot answer (``SOVA_UNANSWERABLE``), asked once over all the docs and once
across languages (Russian questions over the English docs alone, English ones over the
Russian guide alone). Runs in memory, without SQL::

    python -m plugins.qa.tune --squad ../shared/data/squad/dev-v1.1.part1.json --out qa.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from plugins.qa.embedding import PassageEmbedder, PassageText, passage_context
from plugins.qa.evaluate import build_index, load_squad
from plugins.qa.evidence import Evidence, rank_evidence
from plugins.qa.extract import extract
from plugins.qa.index import PassageIndex
from plugins.qa.ingest import sova_docs
from plugins.qa.passages import ChunkingOptions, chunk
from plugins.qa.records import StoredPassage

THRESHOLDS = (0.35, 0.4, 0.45, 0.5, 0.55, 0.6)

# (question, text the answer sentence must contain: alternatives, in either language, split by |)
SOVA_ANSWERABLE: tuple[tuple[str, str], ...] = (
    ("how do I set a reminder?", "remind me|напомни"),
    ("how can I cancel a reminder?", "cancel reminder|отмени напоминание"),
    ("how do I see my reminders?", "/reminders"),
    ("how do I start a timer?", "timer|таймер"),
    ("how to turn on voice replies", "/voice on"),
    ("how do I turn off voice answers?", "/voice off"),
    ("how do I change my time zone?", "/timezone"),
    ("how do I delete my data?", "/forget"),
    ("how do I add a document to the knowledge base?", "file|файл"),
    ("how do I write a plugin?", "plugin|плагин"),
    ("which database does Sova use?", "SQLite"),
    ("what is the license of Sova?", "MIT"),
    ("как поставить напоминание?", "напомни|remind me"),
    ("как отменить напоминание?", "отмени напоминание|cancel reminder"),
    ("как включить голосовые ответы?", "/voice on"),
    ("как выключить голосовые ответы?", "/voice off"),
    ("как сменить часовой пояс?", "/timezone"),
    ("как удалить мои данные?", "/forget"),
    ("как запустить таймер?", "таймер|timer"),
    ("как добавить документ в базу знаний?", "файл|file"),
    ("how do I stop the question Sova is asking?", "/cancel"),
    ("как узнать, что умеет Сова?", "/help"),
)
SOVA_UNANSWERABLE: tuple[str, ...] = (
    "who wrote war and peace",
    "what is the capital of france",
    "how do I boil an egg",
    "when did world war two end",
    "how tall is mount everest",
    "what's the weather like in paris",
    "i'm bored",
    "my car broke down",
    "tell me a joke",
    "how much is bitcoin worth",
    "кто написал войну и мир",
    "какая столица франции",
    "как сварить гречку",
    "когда закончилась вторая мировая война",
    "сколько стоит биткоин",
    "мне скучно",
    "расскажи анекдот",
    "какая погода в москве",
)


@dataclass(frozen=True, slots=True)
class Scored:
    score: float
    correct: bool


@dataclass(frozen=True, slots=True)
class Row:
    threshold: float
    answered: float
    """Share of answerable questions answered."""
    correct: float
    """Of those answered, the share whose answer sentence holds the answer."""
    wrongly_answered: float
    """Share of unanswerable questions answered anyway."""


def rows(answerable: Sequence[Scored], unanswerable: Sequence[float]) -> list[Row]:
    table = []
    for threshold in THRESHOLDS:
        answered = [s for s in answerable if s.score >= threshold]
        table.append(
            Row(
                threshold=threshold,
                answered=len(answered) / max(len(answerable), 1),
                correct=sum(s.correct for s in answered) / max(len(answered), 1),
                wrongly_answered=sum(u >= threshold for u in unanswerable)
                / max(len(unanswerable), 1),
            )
        )
    return table


def evidence_for(index: PassageIndex, question: str, embedder: PassageEmbedder) -> Evidence | None:
    """What ``Answerer`` would answer from: the first passage's best sentence."""
    vector = embedder.question(question)
    hits = index.search(question, vector, 1)
    ranked = rank_evidence(question, vector, hits, embedder) if hits else []
    return ranked[0] if ranked else None


def index_files(files: Sequence[Path], embedder: PassageEmbedder) -> PassageIndex:
    """The files as the knowledge base would store them (extract, chunk, embed)."""
    passages: list[StoredPassage] = []
    for doc_id, path in enumerate(files):
        document = extract(path.read_bytes(), path.name)
        drafts = chunk(document.blocks, ChunkingOptions())
        texts = [
            PassageText(passage_context(document.title, d.heading, d.text), d.text) for d in drafts
        ]
        for draft, blob in zip(drafts, embedder.passages(texts), strict=True):
            passage = StoredPassage(
                len(passages), doc_id, document.title, draft.ordinal, draft.heading,
                draft.text, blob,
            )  # fmt: skip
            passages.append(passage)
    return PassageIndex.build(passages)


def score_questions(
    index: PassageIndex,
    answerable: Sequence[tuple[str, str]],
    unanswerable: Sequence[str],
    embedder: PassageEmbedder,
) -> tuple[list[Scored], list[float]]:
    scored = []
    for question, expected in answerable:
        found = evidence_for(index, question, embedder)
        if found is not None:
            sentence = found.sentence.lower()
            holds = any(piece.lower() in sentence for piece in expected.split("|"))
            scored.append(Scored(found.score, holds))
    missed = [
        found.score
        for question in unanswerable
        if (found := evidence_for(index, question, embedder)) is not None
    ]
    return scored, missed


def tune_sova_docs(embedder: PassageEmbedder) -> dict[str, list[Row]]:
    """All questions over all of Sova's docs; then each language's questions over the docs
    in the other language only (the Russian guide alone, or everything but it)."""
    files = sova_docs()
    russian = [p for p in files if p.name.endswith(".ru.md")]
    english = [p for p in files if p not in russian]
    en_q = [q for q in SOVA_ANSWERABLE if q[0].isascii()]
    ru_q = [q for q in SOVA_ANSWERABLE if not q[0].isascii()]
    en_no = [q for q in SOVA_UNANSWERABLE if q.isascii()]
    ru_no = [q for q in SOVA_UNANSWERABLE if not q.isascii()]
    same = score_questions(
        index_files(files, embedder), SOVA_ANSWERABLE, SOVA_UNANSWERABLE, embedder
    )
    ru_over_en = score_questions(index_files(english, embedder), ru_q, ru_no, embedder)
    en_over_ru = score_questions(index_files(russian, embedder), en_q, en_no, embedder)
    return {
        "sova_docs": rows(*same),
        "sova_docs_cross_lingual": rows(
            ru_over_en[0] + en_over_ru[0], ru_over_en[1] + en_over_ru[1]
        ),
    }


def tune_squad(path: Path, questions: int, embedder: PassageEmbedder) -> list[Row]:
    paragraphs, all_questions = load_squad(path)
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    answers = [
        [a["text"] for a in qa["answers"]]
        for article in data
        for paragraph in article["paragraphs"]
        for qa in paragraph["qas"]
    ]
    sample = random.Random(0).sample(range(len(all_questions)), min(questions, len(all_questions)))
    index = build_index(paragraphs, embedder)
    by_title: dict[str, list[int]] = {}
    for doc_id, (title, _) in enumerate(paragraphs):
        by_title.setdefault(title, []).append(doc_id)
    without: dict[str, PassageIndex] = {}
    answerable: list[Scored] = []
    unanswerable: list[float] = []
    for i in sample:
        item = all_questions[i]
        title = paragraphs[item.paragraph][0]
        found = evidence_for(index, item.question, embedder)
        if found is not None:
            holds = any(a in found.sentence for a in answers[i])
            answerable.append(Scored(found.score, holds))
        if title not in without:
            without[title] = index.replacing(by_title[title], [])
        missing = evidence_for(without[title], item.question, embedder)
        if missing is not None:
            unanswerable.append(missing.score)
    return rows(answerable, unanswerable)


def table(name: str, found: Sequence[Row]) -> str:
    lines = [name, f"{'threshold':>9} {'answered':>9} {'correct':>8} {'wrongly answered':>17}"]
    lines += [
        f"{r.threshold:>9.2f} {r.answered:>9.2f} {r.correct:>8.2f} {r.wrongly_answered:>17.2f}"
        for r in found
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--squad", type=Path, help="SQuAD v1.1 JSON file (optional)")
    parser.add_argument("--questions", type=int, default=800)
    parser.add_argument("--out", type=Path, help="write the tables as JSON here")
    args = parser.parse_args(argv)
    embedder = PassageEmbedder()
    results = tune_sova_docs(embedder)
    if args.squad:
        results["squad"] = tune_squad(args.squad, args.questions, embedder)
    print("\n\n".join(table(name, found) for name, found in results.items()))
    if args.out:
        payload = {name: [asdict(r) for r in found] for name, found in results.items()}
        args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
