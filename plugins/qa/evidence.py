"""Evidence: the sentence of a retrieved passage that best answers the question.

A sentence scores its cosine with the question (multilingual USE, the encoder the index
uses) plus ``OVERLAP_WEIGHT`` times the share of the question's content words it contains
(Snowball stems, either language; words of the document title and section heading count
as the sentence's own). On 800 SQuAD dev questions (``python -m plugins.qa.tune``), in
the first retrieved passage, the word bonus raised how often the chosen sentence holds the
answer from 66 % to 71 %, and told answerable questions from unanswerable ones (their
article removed from the index) much better: ROC AUC 0.92 → 0.97.

Across languages (a Russian question, an English sentence) no word can match, and even a
matching pair's meanings lie further apart (cosine ~0.25–0.55 on Sova's docs, ~0.35–0.6
for the same pairs in one language), while unrelated pairs mostly stay below ~0.25. Such
a pair gets a fixed allowance instead of the word bonus, so one threshold serves both. On
Sova's docs (``python -m plugins.qa.tune``) with 0.15 and the threshold 0.5, none of 18
unanswerable questions is answered in either setting, all 22 answerable ones are answered
over the docs in both languages, and 15 of 22 across languages (0.2 let an unanswerable
one through). Choosing the right sentence across languages is the weak spot: 60 %.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from plugins.qa.embedding import PassageEmbedder
from plugins.qa.index import Hit
from plugins.qa.sentences import split_sentences
from plugins.qa.tokens import tokenize

OVERLAP_WEIGHT = 0.3
"""Weight of the share of question words found in the sentence (0..1)."""
CROSS_LINGUAL_ALLOWANCE = 0.15
"""Added instead for a question and a sentence in different scripts (see the module doc)."""

_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Evidence:
    hit: Hit
    sentence: str
    start: int
    """Where the sentence starts in ``hit.text``."""
    similarity: float
    """Cosine of question and sentence, -1..1."""
    score: float
    """Similarity plus the word bonus (or the cross-lingual allowance): what ranks evidence."""


def script(text: str) -> str | None:
    """``"cyrillic"`` or ``"latin"``, whichever has more letters in ``text``; None if neither."""
    cyrillic, latin = len(_CYRILLIC.findall(text)), len(_LATIN.findall(text))
    if not cyrillic and not latin:
        return None
    return "cyrillic" if cyrillic >= latin else "latin"


def sentence_spans(text: str) -> list[tuple[int, str]]:
    """(start, sentence) for the sentences of ``text``, in order."""
    spans: list[tuple[int, str]] = []
    position = 0
    for sentence in split_sentences(text) or [text.strip()]:
        start = text.find(sentence, position)
        if start < 0:  # cannot happen for stripped pieces of the text; be safe anyway
            start = position
        spans.append((start, sentence))
        position = start + len(sentence)
    return spans


def word_overlap(
    question_words: AbstractSet[str], sentence: str, context: AbstractSet[str] = frozenset()
) -> float:
    """Share of the question's content words (stems) in ``sentence`` or its ``context``
    words (the document title and section heading: "MIT." answers a question about the
    license under the heading "License")."""
    if not question_words:
        return 0.0
    return len(question_words & (set(tokenize(sentence)) | context)) / len(question_words)


def rank_evidence(
    question: str,
    question_vector: NDArray[np.float32],
    hits: Sequence[Hit],
    embedder: PassageEmbedder,
) -> list[Evidence]:
    """The best sentence of each hit, best first. Blocking (embeds): run in a thread."""
    spans = [
        (hit, start, sentence) for hit in hits for start, sentence in sentence_spans(hit.text)
    ]
    if not spans:
        return []
    vectors = embedder.texts([sentence for _, _, sentence in spans])
    similarities = np.einsum("ij,j->i", vectors, question_vector)
    question_words = set(tokenize(question))
    question_script = script(question)
    contexts = {
        hit.passage_id: set(tokenize(f"{hit.document_title} {hit.heading or ''}")) for hit in hits
    }
    best: dict[int, Evidence] = {}
    for (hit, start, sentence), similarity in zip(spans, similarities.tolist(), strict=True):
        sentence_script = script(sentence)
        if question_script and sentence_script and question_script != sentence_script:
            bonus = CROSS_LINGUAL_ALLOWANCE
        else:
            overlap = word_overlap(question_words, sentence, contexts[hit.passage_id])
            bonus = OVERLAP_WEIGHT * overlap
        evidence = Evidence(hit, sentence, start, similarity, similarity + bonus)
        known = best.get(hit.passage_id)
        if known is None or evidence.score > known.score:
            best[hit.passage_id] = evidence
    return sorted(best.values(), key=lambda e: e.score, reverse=True)
