from __future__ import annotations

import pytest

from bot.nlu.templates import TemplateError, TemplateMatcher, compile_template


def _matcher(*templates: tuple[str, str]) -> TemplateMatcher:
    return TemplateMatcher(compile_template(intent, source) for intent, source in templates)


def test_alternatives_optionals_and_normalisation() -> None:
    matcher = _matcher(("list", "(покажи|список) [мои] напоминания"))
    for text in ("покажи мои напоминания", "Список напоминания!", "  ПОКАЖИ   напоминания. "):
        assert [m.intent for m in matcher.match(text)] == ["list"], text
    for text in ("покажинапоминания", "покажи мои напоминания пожалуйста", "покажи"):
        assert matcher.match(text) == [], text


def test_yo_and_e_are_the_same_letter() -> None:
    assert _matcher(("a", "ещё раз")).match("Еще раз")


def test_captures_are_reported_in_the_original_text() -> None:
    matcher = _matcher(("cancel", "отмени напоминание {number}"))
    text = "Отмени  напоминание Номер 5."
    (match,) = matcher.match(text)
    start, end = match.spans["number"]
    assert text[start:end] == "Номер 5"


def test_captures_inside_alternatives_and_allowed_intents() -> None:
    matcher = _matcher(("x", "[(a|b) ]c {first} (d|e {second})"), ("y", "c {first} d"))
    (only_x, also_y) = matcher.match("c one two d")
    assert (only_x.intent, also_y.intent) == ("x", "y")
    (match,) = matcher.match("a c q e r")
    assert set(match.spans) == {"first", "second"}
    assert [m.intent for m in matcher.match("c one two d", allowed={"y"})] == ["y"]


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("(a|b", "never closed"),
        ("a]", "unexpected"),
        ("{slot", "never closed"),
        ("{x} and {x}", "captured twice"),
        ("{1x}", "bad slot name"),
        ("", "empty"),
    ],
)
def test_bad_templates(source: str, reason: str) -> None:
    with pytest.raises(TemplateError, match=reason):
        compile_template("i", source)
