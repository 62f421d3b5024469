from __future__ import annotations

import pytest

from bot.nlu.annotation import AnnotationError, SlotSpan, parse_annotated
from bot.nlu.training import bio_tags


def test_spans_point_into_the_plain_text() -> None:
    example = parse_annotated("напомни [завтра в 7 утра](when) [позвонить маме](what)")
    assert example.text == "напомни завтра в 7 утра позвонить маме"
    assert example.spans == (SlotSpan("when", 8, 23), SlotSpan("what", 24, 38))
    assert [example.span_text(span) for span in example.spans] == [
        "завтра в 7 утра",
        "позвонить маме",
    ]


def test_span_at_the_start_and_plain_examples() -> None:
    example = parse_annotated("[через 20 минут](when) напомни")
    assert example.spans == (SlotSpan("when", 0, 14),)
    assert parse_annotated("поставь напоминание").spans == ()


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("напомни [завтра(when)", "never closed"),
        ("напомни [завтра]", r"must be followed by '\(slot_name\)'"),
        ("напомни [завтра](when", "never closed"),
        ("напомни [завтра](1when)", "bad slot name"),
        ("напомни []](when)", "empty slot text"),
        ("напомни завтра]", r"without '\['"),
        ("[a [b](x)](y)", "nested"),
        ("[ завтра](when)", "leading or trailing spaces"),
        ("   ", "empty"),
    ],
)
def test_malformed_annotations_are_rejected(source: str, reason: str) -> None:
    with pytest.raises(AnnotationError, match=reason):
        parse_annotated(source)


def test_bio_tags_follow_token_boundaries() -> None:
    tokens, tags = bio_tags(parse_annotated("remind me [at 7:30](when) to [call mom](what)"))
    assert tokens == ["remind", "me", "at", "7:30", "to", "call", "mom"]
    assert tags == ["O", "O", "B-when", "I-when", "O", "B-what", "I-what"]
