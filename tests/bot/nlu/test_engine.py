"""The engine end to end on the synthetic catalog (embeddings off; see test_embeddings)."""

from __future__ import annotations

import json

import pytest

from bot.nlu import NluEngine, NluResult, SlotValue, detect_language
from tests.bot.nlu.conftest import MOSCOW, NOW


def understand(engine: NluEngine, text: str, **kwargs: object) -> NluResult:
    return engine.understand(text, lang=None, now=NOW, tz=MOSCOW, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("разбуди меня послезавтра в 6", "set_alarm"),
        ("wake me up on friday at 8am", "set_alarm"),
        ("засеки 15 минут", "start_timer"),
        ("start a timer for 3 minutes", "start_timer"),
        ("закажи большой латте", "order_coffee"),
        ("order a small americano", "order_coffee"),
        ("покажи мне будильники", "show_alarms"),
        ("list all my alarms", "show_alarms"),
        ("привет привет", "greet"),
        ("hey there", "greet"),
    ],
)
def test_classifier_recognises_unseen_phrasings(engine: NluEngine, text: str, intent: str) -> None:
    result = understand(engine, text)
    assert (result.intent, result.source) == (intent, "classifier")
    assert 0.5 <= result.confidence <= 1.0
    assert all(name != intent for name, _ in result.alternatives)


def test_slots_from_tagger_are_typed(engine: NluEngine) -> None:
    result = understand(engine, "разбуди меня завтра в 7 утра")
    assert result.intent == "set_alarm"
    assert result.slots["when"].value.isoformat() == "2026-03-11T07:00:00+03:00"
    timer = understand(engine, "start a timer for 25 minutes")
    assert timer.slots["length"].value == 1500
    coffee = understand(engine, "закажи огромный кофе")
    assert coffee.slots["size"].value == "large"


@pytest.mark.parametrize(
    "text",
    [
        "какая погода на марсе",
        "как приготовить борщ",
        "what's the capital of australia",
        "recommend me a good film",
    ],
)
def test_out_of_scope_falls_back(engine: NluEngine, text: str) -> None:
    result = understand(engine, text)
    assert result.intent is None
    assert result.source == "fallback"
    assert result.slots == {}
    assert all(name != "__out_of_scope__" for name, _ in result.alternatives)


def test_templates_win_and_capture_typed_slots(engine: NluEngine) -> None:
    result = understand(engine, "Закажи две чашки кофе!")
    assert (result.intent, result.source, result.confidence) == ("order_coffee", "template", 1.0)
    assert result.slots["count"] == SlotValue("две", 2, 7, 10)
    assert understand(engine, "покажи все мои будильники").source == "template"


def test_template_capture_that_does_not_parse_is_not_a_match(engine: NluEngine) -> None:
    result = understand(engine, "закажи побольше кофе")
    assert result.source != "template"


def test_disabled_intents_are_masked_not_renormalised(engine: NluEngine) -> None:
    text = "разбуди меня завтра в 7 утра"
    result = understand(engine, text, enabled_intents={"greet", "start_timer"})
    assert result.intent is None and result.source == "fallback"
    assert {name for name, _ in result.alternatives} <= {"greet", "start_timer"}
    template = understand(engine, "Закажи две чашки кофе", enabled_intents={"greet"})
    assert template.intent != "order_coffee"


def test_threshold_turns_low_confidence_into_fallback(engine: NluEngine) -> None:
    strict = NluEngine(
        engine.catalog,
        type(engine.options)(threshold=0.999, use_embeddings=False),
        engine.models,
        cache_key=engine.cache_key,
        from_cache=False,
    )
    result = understand(strict, "разбуди меня послезавтра в 6")
    assert result.intent is None
    assert result.alternatives[0][0] == "set_alarm"
    assert result.confidence == result.alternatives[0][1]


def test_extract_slot_reads_a_forms_answer(engine: NluEngine) -> None:
    when = engine.extract_slot("set_alarm", "when", "в 8", lang="ru", now=NOW, tz=MOSCOW)
    assert when is not None and when.value.isoformat() == "2026-03-11T08:00:00+03:00"
    inside = engine.extract_slot(
        "set_alarm", "when", "ну давай завтра", lang="ru", now=NOW, tz=MOSCOW
    )
    assert inside is not None and inside.text == "завтра" and inside.start == 9
    length = engine.extract_slot("start_timer", "length", "полчаса", lang="ru", now=NOW, tz=MOSCOW)
    assert length is not None and length.value == 1800
    count = engine.extract_slot("order_coffee", "count", "три", lang="ru", now=NOW, tz=MOSCOW)
    assert count is not None and count.value == 3
    nothing = engine.extract_slot("set_alarm", "when", "не знаю", lang="ru", now=NOW, tz=MOSCOW)
    assert nothing is None


def test_to_json_format(engine: NluEngine) -> None:
    result = understand(engine, "разбуди меня завтра в 7 утра")
    payload = result.to_json()
    assert set(payload) == {"intent", "confidence", "lang", "slots"}
    assert payload["intent"] == "set_alarm" and payload["lang"] == "ru"
    assert payload["slots"]["when"] == {
        "text": result.slots["when"].text,
        "value": "2026-03-11T07:00:00+03:00",
    }
    timer = understand(engine, "засеки 5 минут").to_json()
    assert timer["slots"]["length"]["value"] == 300
    json.dumps(payload)  # serialisable as is


def test_empty_text_falls_back(engine: NluEngine) -> None:
    assert understand(engine, "   ").intent is None


def test_detect_language() -> None:
    assert detect_language("привет, как дела?") == "ru"
    assert detect_language("remind me at 5") == "en"
    assert detect_language("12:30", default="ru") == "ru"
    assert detect_language("ok, напомни") == "ru"
