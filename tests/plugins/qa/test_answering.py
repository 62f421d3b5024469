"""Answering: evidence sentences, the "don't know" threshold, the reader's part, the replies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest

from bot.events import InboundMessage
from bot.plugins import MAX_BUTTON_DATA_BYTES, Context, PluginRuntime
from bot.storage import UserRecord
from models.qa import Answer
from models.registry import ModelRegistry
from plugins.qa import QuestionAnswering
from plugins.qa.answering import Answerer, AnsweringOptions, AnswerMethod, FoundAnswer
from plugins.qa.config import QaConfig
from plugins.qa.evidence import script, sentence_spans, word_overlap
from plugins.qa.index import Hit
from plugins.qa.knowledge_base import KnowledgeBase
from plugins.qa.reading import Reader
from plugins.qa.records import StoredPassage
from plugins.qa.replies import (
    answer_buttons,
    answer_text,
    clip,
    dont_know_text,
    more_text,
    parse_ids,
)
from plugins.qa.tokens import tokenize

HEDGEHOGS = b"""# Hedgehog facts

Hedgehogs are small mammals covered in spines. They eat insects, worms and snails.
In winter hedgehogs hibernate for several months.

## Habitat

Hedgehogs live in gardens, hedges and forests across Europe.
"""
OFFICE = """# Правила офиса

Офис открыт с девяти утра до шести вечера. Пропуск выдаёт служба безопасности на первом
этаже. Парковка для сотрудников бесплатная.
""".encode()
EAT_SENTENCE = "They eat insects, worms and snails."
PARKING_SENTENCE = "Парковка для сотрудников бесплатная."


@pytest.fixture
async def kb(sqlite_kb: KnowledgeBase) -> KnowledgeBase:
    await sqlite_kb.add(HEDGEHOGS, filename="hedgehogs.md", source="test: hedgehogs")
    await sqlite_kb.add(OFFICE, filename="office.md", source="test: office")
    return sqlite_kb


class FakeReader:
    """Stands in for ``Reader``: answers with a fixed span of whatever passage it gets."""

    def __init__(self, span: str | None, score: float = 0.9) -> None:
        self.span = span
        self.score = score
        self.questions: list[str] = []

    async def read(self, question: str, passages: Sequence[str], top_k: int = 1) -> list[Answer]:
        self.questions.append(question)
        if self.span is None or self.span not in passages[0]:
            return []
        start = passages[0].index(self.span)
        end = start + len(self.span)
        return [Answer(self.span, 0, start, end, self.score, 0.0)]


def answerer(kb: KnowledgeBase, reader: object = None, **options: Any) -> Answerer:
    return Answerer(kb, cast(Reader | None, reader), AnsweringOptions(**options))


# -- evidence ---------------------------------------------------------------------------------
def test_script_tells_russian_from_english() -> None:
    assert script("Что едят ежи?") == "cyrillic"
    assert script("What do hedgehogs eat? (ежи)") == "latin"
    assert script("1876 — 2024") is None


def test_sentence_spans_point_into_the_text() -> None:
    text = "First one. Second one!\nThird line"
    spans = sentence_spans(text)
    assert [s for _, s in spans] == ["First one.", "Second one!", "Third line"]
    assert all(text[start : start + len(s)] == s for start, s in spans)


def test_title_and_heading_words_count_as_the_sentences_own() -> None:
    question = set(tokenize("What is the license of Sova?"))
    assert word_overlap(question, "MIT.") == 0
    assert word_overlap(question, "MIT.", set(tokenize("Sova License"))) == 1


# -- answering --------------------------------------------------------------------------------
async def test_an_english_question_gets_the_sentence_with_the_answer(kb: KnowledgeBase) -> None:
    outcome = await answerer(kb).answer("What do hedgehogs eat?", "en")
    found = outcome.answer
    assert found is not None
    assert found.method is AnswerMethod.SENTENCE
    assert found.text == found.sentence == EAT_SENTENCE
    assert found.hit.document_title == "Hedgehog facts"
    assert 0.5 <= found.confidence <= 1
    assert found.hit.passage_id not in found.more


async def test_a_russian_question_over_an_english_passage_gets_the_english_sentence(
    kb: KnowledgeBase,
) -> None:
    found = (await answerer(kb).answer("Чем питаются ежи?", "ru")).answer
    assert found is not None
    assert found.sentence == EAT_SENTENCE


async def test_an_english_question_over_a_russian_passage_is_not_given_to_the_reader(
    kb: KnowledgeBase,
) -> None:
    reader = FakeReader("бесплатная")
    found = (await answerer(kb, reader).answer("Is parking free for employees?", "en")).answer
    assert found is not None
    assert found.method is AnswerMethod.SENTENCE
    assert found.sentence == PARKING_SENTENCE
    assert reader.questions == []  # the English reader would read Russian as noise


async def test_no_answer_below_the_threshold(kb: KnowledgeBase) -> None:
    outcome = await answerer(kb).answer("What is the capital of France?", "en")
    assert outcome.answer is None
    assert outcome.evidence_score < 0.5
    lenient = await answerer(kb, answer_threshold=0.0).answer(
        "What is the capital of France?", "en"
    )
    assert lenient.answer is not None  # the threshold, not retrieval, said no
    strict = await answerer(kb, answer_threshold=1.5).answer("What do hedgehogs eat?", "en")
    assert strict.answer is None


async def test_an_empty_knowledge_base_knows_nothing(sqlite_kb: KnowledgeBase) -> None:
    assert (await answerer(sqlite_kb).answer("What do hedgehogs eat?", "en")).answer is None


async def test_a_believed_span_inside_the_evidence_sentence_is_the_short_answer(
    kb: KnowledgeBase,
) -> None:
    reader = FakeReader("insects, worms and snails", score=0.6)
    found = (await answerer(kb, reader).answer("What do hedgehogs eat?", "en")).answer
    assert found is not None
    assert found.method is AnswerMethod.READER
    assert found.text == "insects, worms and snails"
    assert found.sentence == EAT_SENTENCE
    assert found.reader_score == 0.6
    assert found.confidence < 1  # the evidence score, not the reader's


@pytest.mark.parametrize(
    ("span", "score"),
    [
        ("insects, worms and snails", 0.05),  # below reader_threshold
        ("small mammals", 0.9),  # believed, but not in the evidence sentence
        (None, 0.9),  # the reader found nothing
    ],
)
async def test_otherwise_the_sentence_is_the_answer(
    kb: KnowledgeBase, span: str | None, score: float
) -> None:
    reader = FakeReader(span, score)
    found = (await answerer(kb, reader).answer("What do hedgehogs eat?", "en")).answer
    assert found is not None
    assert found.method is AnswerMethod.SENTENCE
    assert found.text == EAT_SENTENCE


# -- the reader wrapper -----------------------------------------------------------------------
class FailingModels:
    def __init__(self) -> None:
        self.loads = 0

    async def get(self, name: str) -> object:
        self.loads += 1
        raise FileNotFoundError("models/qa/weights/minilm-squad.json")


async def test_a_reader_that_cannot_load_means_sentence_answers_and_a_later_retry(
    caplog: pytest.LogCaptureFixture,
) -> None:
    models = FailingModels()
    now = [0.0]
    reader = Reader(cast(ModelRegistry, models), retry_after_s=60, clock=lambda: now[0])
    assert await reader.read("q?", ["a passage"]) is None  # not loaded: starts loading
    assert await reader.loaded() is False
    assert models.loads == 1
    assert "QA reader unavailable" in caplog.text
    assert await reader.read("q?", ["a passage"]) is None
    await reader.loaded()
    assert models.loads == 1  # no retry yet
    now[0] = 61
    assert await reader.read("q?", ["a passage"]) is None
    await reader.loaded()
    assert models.loads == 2


# -- replies ----------------------------------------------------------------------------------
def context(lang: str = "en", *, is_admin: bool = False) -> Context:
    plugin = QuestionAnswering(cast(PluginRuntime, object()), QaConfig())
    message = InboundMessage(chat_id=1, user_id=2, channel="test", text="q?")
    user = UserRecord(id=2, lang=lang, timezone=None, role="user")
    now = datetime.now(UTC)
    return Context(plugin, message, user, lang, ZoneInfo("UTC"), now, is_admin=is_admin)


def found(method: AnswerMethod, more: tuple[int, ...] = (7, 8, 9)) -> FoundAnswer:
    hit = Hit(3, 1, "Hedgehog facts", None, EAT_SENTENCE, 0.7, 1.0, 0.5)
    text = "insects" if method is AnswerMethod.READER else EAT_SENTENCE
    return FoundAnswer(text, EAT_SENTENCE, hit, 0.823, method, more=more)


def test_a_span_answer_shows_answer_sentence_source_and_confidence() -> None:
    assert answer_text(context(), found(AnswerMethod.READER)) == (
        f"💡 insects\n“{EAT_SENTENCE}”\n📄 Hedgehog facts · confidence 82%"
    )
    assert answer_text(context("ru"), found(AnswerMethod.READER)) == (
        f"💡 insects\n«{EAT_SENTENCE}»\n📄 Hedgehog facts · уверенность 82%"
    )


def test_a_sentence_answer_is_not_quoted_twice() -> None:
    assert answer_text(context(), found(AnswerMethod.SENTENCE)) == (
        f"💡 {EAT_SENTENCE}\n📄 Hedgehog facts · confidence 82%"
    )


def test_buttons_rate_the_turn_and_offer_more() -> None:
    ctx = context()
    [row] = answer_buttons(ctx, found(AnswerMethod.SENTENCE))
    assert [b.text for b in row] == ["👍", "👎", "More ▸"]
    trace = ctx.message.trace_id
    assert [b.data for b in row] == [f"qa.up:{trace}", f"qa.down:{trace}", "qa.more:7,8,9"]
    assert all(len(b.data.encode()) <= MAX_BUTTON_DATA_BYTES for b in row)
    [alone] = answer_buttons(ctx, found(AnswerMethod.SENTENCE, more=()))
    assert [b.text for b in alone] == ["👍", "👎"]


def test_dont_know_says_so_and_shows_admins_where_to_look() -> None:
    assert "no answer" in dont_know_text(context())
    assert "/kb list" not in dont_know_text(context())
    assert "/kb list" in dont_know_text(context(is_admin=True))
    assert "нет ответа" in dont_know_text(context("ru"))


def test_more_lists_passages_with_their_titles() -> None:
    passage = StoredPassage(7, 1, "Hedgehog facts", 0, None, "word " * 200, b"")
    text = more_text(context(), [passage])
    assert text.startswith("More from the knowledge base:")
    assert "📄 Hedgehog facts" in text
    assert len(text) < 400 and text.endswith("…")
    assert "no longer" in more_text(context(), [])


def test_button_ids_survive_junk() -> None:
    assert parse_ids("1,22,333") == [1, 22, 333]
    assert parse_ids("1,x,;drop,4") == [1, 4]
    assert parse_ids("") == []


def test_clip_cuts_at_a_word() -> None:
    assert clip("short", 10) == "short"
    assert clip("one two three four five", 12) == "one two…"
