"""Sentences (RU/EN with abbreviations) and passages (paragraph-aware, with overlap)."""

from __future__ import annotations

import random

import pytest

from plugins.qa.document import Block
from plugins.qa.passages import ChunkingOptions, chunk
from plugins.qa.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "Dr. Smith lives in the U.S. today. He wrote e.g. this line! Did he? Yes.",
            ["Dr. Smith lives in the U.S. today.", "He wrote e.g. this line!", "Did he?", "Yes."],
        ),
        (
            "Это, т.е. пример. А. С. Пушкин родился в 1799 г. в Москве. См. рис. 2 ниже.",
            ["Это, т.е. пример.", "А. С. Пушкин родился в 1799 г. в Москве.", "См. рис. 2 ниже."],
        ),
        (
            'Он сказал: «Стоп.» Потом ушёл… Вернулся "вчера." Version 3.11 is out.',
            ["Он сказал: «Стоп.»", "Потом ушёл…", 'Вернулся "вчера."', "Version 3.11 is out."],
        ),
        ("you> привет\nsova> Привет! Я Сова.", ["you> привет", "sova> Привет!", "Я Сова."]),
        (
            "no capital after the stop. so one sentence",
            ["no capital after the stop. so one sentence"],
        ),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


def sentence(n: int, words: int = 10) -> str:
    return f"S{n} " + " ".join(["word"] * (words - 2)) + " end."


def paragraph(first: int, count: int) -> Block:
    return Block(" ".join(sentence(first + i) for i in range(count)))


def test_paragraphs_are_packed_up_to_the_target_with_overlap() -> None:
    options = ChunkingOptions(target_words=50, max_words=70, overlap_words=20)
    blocks = [paragraph(0, 3), paragraph(3, 3), paragraph(6, 3)]  # 30 words each
    drafts = chunk(blocks, options)
    texts = [d.text for d in drafts]
    assert len(texts) == 2
    # Two whole paragraphs (60 >= 50 words), then the last two sentences carried over.
    assert texts[0].split("\n") == [blocks[0].text, blocks[1].text]
    assert texts[1] == f"{sentence(4)} {sentence(5)}\n{blocks[2].text}"
    assert [d.ordinal for d in drafts] == [0, 1]


def test_a_long_paragraph_is_cut_between_sentences_never_inside() -> None:
    options = ChunkingOptions(target_words=40, max_words=45, overlap_words=0)
    drafts = chunk([paragraph(0, 10)], options)
    every = [s for d in drafts for s in split_sentences(d.text)]
    assert every == [sentence(i) for i in range(10)]
    assert all(len(d.text.split()) <= 45 for d in drafts)


def test_a_sentence_longer_than_a_passage_is_cut_by_words() -> None:
    options = ChunkingOptions(target_words=20, max_words=30, overlap_words=0)
    drafts = chunk([Block(" ".join(["cell"] * 75))], options)
    assert [len(d.text.split()) for d in drafts] == [30, 30, 15]


def test_headings_end_passages_and_label_them() -> None:
    options = ChunkingOptions(target_words=100, max_words=150, overlap_words=20)
    blocks = [
        Block("Voice", heading_level=1),
        paragraph(0, 2),
        Block("Reminders", heading_level=2),
        paragraph(2, 2),
        Block("Empty section", heading_level=2),
        Block("Last", heading_level=2),
        paragraph(4, 1),
    ]
    drafts = chunk(blocks, options)
    assert [(d.heading, d.text) for d in drafts] == [
        ("Voice", blocks[1].text),
        ("Reminders", blocks[3].text),  # no overlap across sections
        ("Last", blocks[6].text),
    ]


def test_text_before_any_heading_has_none() -> None:
    drafts = chunk(
        [Block("Intro."), Block("Title", heading_level=1), Block("Body.")], ChunkingOptions()
    )
    assert [(d.heading, d.text) for d in drafts] == [(None, "Intro."), ("Title", "Body.")]


def test_options_are_checked() -> None:
    with pytest.raises(ValueError):
        ChunkingOptions(target_words=200, max_words=100)
    with pytest.raises(ValueError):
        ChunkingOptions(target_words=50, overlap_words=50)


def test_random_documents_keep_every_sentence_within_the_maximum() -> None:
    rng = random.Random(1)
    for _ in range(200):
        target = rng.randint(10, 60)
        options = ChunkingOptions(target, target + rng.randint(0, 40), rng.randint(0, target - 1))
        blocks: list[Block] = []
        count = 0
        for _ in range(rng.randint(1, 12)):
            if rng.random() < 0.15:
                blocks.append(Block(f"Heading {count}", heading_level=1))
                continue
            size = rng.randint(1, 8)
            words = (["w"] * rng.randint(0, options.max_words * 3 // 2) for _ in range(size))
            blocks.append(
                Block(" ".join(f"S{count + i} {' '.join(w)} end." for i, w in enumerate(words)))
            )
            count += size
        drafts = chunk(blocks, options)
        assert [d.ordinal for d in drafts] == list(range(len(drafts)))
        assert all(len(d.text.split()) <= options.max_words for d in drafts)
        found = {w for d in drafts for w in d.text.split() if w.startswith("S")}
        assert found == {f"S{i}" for i in range(count)}
