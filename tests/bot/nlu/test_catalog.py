from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu import IntentCatalog, NluDataError, SlotType
from tests.bot.nlu.catalog_fixture import write_catalog


def _plugin(root: Path, name: str, **files: str) -> tuple[str, Path]:
    directory = root / name / "intents"
    directory.mkdir(parents=True)
    for lang, text in files.items():
        (directory / f"{lang}.yaml").write_text(text, encoding="utf-8")
    return name, directory


def test_loads_intents_slots_and_languages(tmp_path: Path) -> None:
    catalog = IntentCatalog.load(write_catalog(tmp_path))
    assert set(catalog.intents) == {
        "set_alarm",
        "start_timer",
        "order_coffee",
        "show_alarms",
        "greet",
    }
    assert catalog.intents["order_coffee"].plugin == "home"
    assert set(catalog.intents["order_coffee"].slots) == {"size", "count"}
    size = catalog.slot("order_coffee", "size")
    assert size.type is SlotType.ENUM
    assert size.values["ru"]["large"] == ("большой", "большую", "огромный")
    assert size.prompts == {"ru": "Какой размер?", "en": "Which size?"}
    assert catalog.languages() == ("en", "ru")
    with pytest.raises(KeyError):
        catalog.slot("greet", "size")


def test_content_hash_changes_with_examples_only(tmp_path: Path) -> None:
    first = IntentCatalog.load(write_catalog(tmp_path / "a")).content_hash()
    assert IntentCatalog.load(write_catalog(tmp_path / "b")).content_hash() == first
    sources = write_catalog(tmp_path / "c")
    english = sources[0][1] / "en.yaml"
    english.write_text(english.read_text().replace("show my alarms", "show all alarms"))
    assert IntentCatalog.load(sources).content_hash() != first


def test_bad_example_names_file_line_and_text(tmp_path: Path) -> None:
    source = _plugin(
        tmp_path,
        "p",
        en="language: en\nslots:\n  when: {type: datetime}\nintents:\n  a:\n    examples:\n"
        "      - fine [today](when)\n      - broken [today(when)\n",
    )
    with pytest.raises(NluDataError) as caught:
        IntentCatalog.load([source])
    message = str(caught.value)
    assert f"{source[1] / 'en.yaml'}:8:" in message
    assert "never closed" in message and "broken [today(when)" in message
    assert caught.value.line == 8


def test_undeclared_slot(tmp_path: Path) -> None:
    source = _plugin(tmp_path, "p", en="intents:\n  a:\n    examples: ['x [y](nope)']\n")
    with pytest.raises(NluDataError, match=r"en.yaml:3: slot 'nope' is not declared"):
        IntentCatalog.load([source])


def test_slot_types_must_agree_across_languages(tmp_path: Path) -> None:
    source = _plugin(
        tmp_path,
        "p",
        en="slots:\n  when: {type: datetime}\nintents:\n  a: {examples: [x]}\n",
        ru="slots:\n  when: {type: duration}\nintents:\n  a: {examples: [х]}\n",
    )
    with pytest.raises(NluDataError, match="slot 'when' is duration here but datetime"):
        IntentCatalog.load([source])


def test_intent_names_are_global(tmp_path: Path) -> None:
    first = _plugin(tmp_path, "one", en="intents:\n  hello: {examples: [hi]}\n")
    second = _plugin(tmp_path, "two", en="intents:\n  hello: {examples: [hey]}\n")
    with pytest.raises(NluDataError, match="intent 'hello' of plugin 'two' is already defined"):
        IntentCatalog.load([first, second])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("slots:\n  s: {type: colour}\nintents: {}\n", "has type 'colour'; expected one of"),
        ("slots:\n  s: {type: enum}\nintents: {}\n", "enum slot 's' needs 'values'"),
        ("intents:\n  a: {exmaples: [x]}\n", "unknown key 'exmaples'"),
        ("intents:\n  a: {examples: []}\n", "needs at least one example or template"),
        ("intents:\n  a: {templates: ['(a|b']}\n", "never closed"),
        ("language: ru\nintents: {}\n", "does not match the file name"),
        ("intents: [a, b]\n", "'intents' must be a mapping"),
        ("intents:\n  a: {examples: [x: y]}\n", "is not text"),
        ("intents: {a: [\n", "invalid YAML"),
    ],
)
def test_bad_files(tmp_path: Path, text: str, reason: str) -> None:
    source = _plugin(tmp_path, "p", en=text)
    with pytest.raises(NluDataError, match=reason) as caught:
        IntentCatalog.load([source])
    assert str(source[1] / "en.yaml") in str(caught.value)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(NluDataError, match="does not exist"):
        IntentCatalog.load([("ghost", tmp_path / "nowhere")])
