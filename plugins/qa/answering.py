"""Retrieve, then read: from a question to a short answer with its source, or to "don't know".

1. Retrieval ranks the passages (cross-lingual: either language finds either) and the
   answer comes from the first one. On 800 SQuAD dev questions the sentence holding the
   answer was chosen 71 % of the time from the first passage against 66 % from the best
   of the first three: retrieval knows better which passage is right than a sentence's
   likeness to the question does. The other passages are what "More" shows.
2. Evidence: the first passage's best sentence (``plugins/qa/evidence.py``). Its score
   decides whether the documents hold an answer at all: below ``answer_threshold`` Sova
   says it does not know. The reader cannot make that call: it was trained on SQuAD v1.1,
   where every question has an answer, so it always finds a span.
3. An English question over an English passage is read by the extractive reader. A span
   it believes (``is_answer`` at ``reader_threshold``) inside the evidence sentence becomes
   the short answer, with that sentence as support. On 300 SQuAD questions of articles the
   shipped reader never saw, through retrieval, spans scoring at least 0.15 had F1 0.66;
   those that also fell inside the evidence sentence, F1 0.74 (26 % of questions). When
   the two disagree, or the question is Russian, or the passage is not English, or there
   is no reader (yet), the evidence sentence is the answer.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from models.qa import is_answer
from plugins.qa.evidence import Evidence, rank_evidence, script
from plugins.qa.index import Hit
from plugins.qa.knowledge_base import KnowledgeBase
from plugins.qa.reading import Reader

MORE_PASSAGES = 3
"""Passages offered by the "More" button."""


class AnswerMethod(StrEnum):
    READER = "reader"
    """A span the reader extracted."""
    SENTENCE = "sentence"
    """The passage sentence closest to the question."""


@dataclass(frozen=True, slots=True)
class AnsweringOptions:
    top_k: int = 5
    answer_threshold: float = 0.5
    reader_threshold: float = 0.15


@dataclass(frozen=True, slots=True)
class FoundAnswer:
    text: str
    """The short answer: a span, or the whole supporting sentence."""
    sentence: str
    """The sentence the answer came from."""
    hit: Hit
    confidence: float
    """0..1, shown to the user: the evidence score, which decided that there is an answer.
    The reader's score is not shown: it says how sure the reader is of the span's edges
    (a right answer often scores 0.2), not whether the documents answer the question."""
    method: AnswerMethod
    reader_score: float | None = None
    more: tuple[int, ...] = ()
    """Ids of the next best passages, best first."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What answering found; ``answer`` None means "the documents hold no answer"."""

    answer: FoundAnswer | None
    evidence_score: float
    """The best evidence score (0 without any passage): the "don't know" decision's input."""


class Answerer:
    def __init__(
        self, kb: KnowledgeBase, reader: Reader | None, options: AnsweringOptions
    ) -> None:
        self.kb = kb
        self.reader = reader
        self.options = options

    async def answer(self, question: str, lang: str) -> Outcome:
        hits = await self.kb.search(question, k=self.options.top_k)
        if not hits:
            return Outcome(None, 0.0)
        first = hits[0]
        evidence = await asyncio.to_thread(self._evidence, question, first)
        if evidence is None or evidence.score < self.options.answer_threshold:
            return Outcome(None, evidence.score if evidence else 0.0)
        found = await self._read(question, lang, evidence) or _from_sentence(evidence)
        more = tuple(h.passage_id for h in hits[1 : 1 + MORE_PASSAGES])
        return Outcome(dataclasses.replace(found, more=more), evidence.score)

    def _evidence(self, question: str, hit: Hit) -> Evidence | None:
        vector = self.kb.embedder.question(question)
        ranked = rank_evidence(question, vector, [hit], self.kb.embedder)
        return ranked[0] if ranked else None

    async def _read(self, question: str, lang: str, evidence: Evidence) -> FoundAnswer | None:
        """The reader's span, when there is a reader, question and passage are English, and
        it believes a span inside the evidence sentence."""
        hit = evidence.hit
        if self.reader is None or lang != "en" or script(hit.text) != "latin":
            return None
        answers = await self.reader.read(question, [hit.text], top_k=1)
        if not answers or not is_answer(answers[0], self.options.reader_threshold):
            return None
        span = answers[0]
        end_of_sentence = evidence.start + len(evidence.sentence)
        if not evidence.start <= span.start_char < span.end_char <= end_of_sentence:
            return None
        return FoundAnswer(
            span.text.strip(),
            evidence.sentence,
            hit,
            _confidence(evidence),
            AnswerMethod.READER,
            reader_score=span.score,
        )


def _from_sentence(evidence: Evidence) -> FoundAnswer:
    return FoundAnswer(
        evidence.sentence,
        evidence.sentence,
        evidence.hit,
        _confidence(evidence),
        AnswerMethod.SENTENCE,
    )


def _confidence(evidence: Evidence) -> float:
    return min(max(evidence.score, 0.0), 1.0)
