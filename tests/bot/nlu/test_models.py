"""The learning parts on their own: calibration, classifier, BIO chunks, tagger."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import softmax

from bot.nlu.bio import Chunk, chunks_from_tags, tags_from_chunks
from bot.nlu.calibration import expected_calibration_error, fit_temperature, probabilities
from bot.nlu.classifier import IntentClassifier
from bot.nlu.tagger import SlotTagger


def test_temperature_scaling_recovers_a_known_temperature() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=4.0, size=(4000, 5))
    true_temperature = 2.5
    labels = np.array([rng.choice(5, p=p) for p in softmax(logits / true_temperature, axis=1)])
    fitted = fit_temperature(logits, labels)
    assert fitted == pytest.approx(true_temperature, rel=0.1)
    calibrated = expected_calibration_error(probabilities(logits, fitted), labels)
    raw = expected_calibration_error(probabilities(logits, 1.0), labels)
    assert calibrated < 0.03 < raw


def _toy_intents(rng: np.random.Generator, per_class: int) -> tuple[list[str], list[str]]:
    vocab = {
        "weather": ["weather", "rain", "sunny", "forecast", "cold"],
        "music": ["play", "song", "music", "album", "artist"],
        "food": ["order", "pizza", "sushi", "dinner", "hungry"],
    }
    filler = ["please", "now", "the", "me", "today", "some", "a", "for", "what", "is"]
    texts: list[str] = []
    labels: list[str] = []
    for label, words in vocab.items():
        for _ in range(per_class):
            # Some sentences carry a word of another class, so the task is not trivially easy.
            other = vocab[rng.choice([name for name in vocab if name != label])]
            chosen = list(rng.choice(words, 2)) + list(rng.choice(filler, 3))
            if rng.random() < 0.3:
                chosen.append(str(rng.choice(other)))
            rng.shuffle(chosen)
            texts.append(" ".join(chosen))
            labels.append(label)
    return texts, labels


def test_classifier_probabilities_are_calibrated_on_held_out_data() -> None:
    rng = np.random.default_rng(1)
    train_texts, train_labels = _toy_intents(rng, 60)
    test_texts, test_labels = _toy_intents(rng, 200)
    model = IntentClassifier().fit(train_texts, train_labels)
    probs = model.predict_proba(test_texts)
    assert probs.shape == (600, 3)
    assert np.allclose(probs.sum(axis=1), 1.0)
    label_index = {name: i for i, name in enumerate(model.classes_)}
    gold = np.array([label_index[label] for label in test_labels])
    assert (probs.argmax(axis=1) == gold).mean() > 0.9
    assert expected_calibration_error(probs, gold) < 0.08


def test_binary_classifier_and_too_few_classes() -> None:
    model = IntentClassifier().fit(["yes", "yeah", "sure", "no", "nope", "never"], list("yyynnn"))
    probs = model.predict_proba(["yes sure", "no never"])
    assert probs.shape == (2, 2) and np.allclose(probs.sum(axis=1), 1.0)
    assert model.predict(["yeah"]) == ["y"]
    with pytest.raises(ValueError, match="two classes"):
        IntentClassifier().fit(["a", "b"], ["x", "x"])


def test_chunks_follow_conlleval() -> None:
    tags = ["B-when", "I-when", "O", "I-what", "I-what", "B-what", "I-when"]
    assert chunks_from_tags(tags) == [
        Chunk("when", 0, 2),
        Chunk("what", 3, 5),  # a stray I- starts a chunk
        Chunk("what", 5, 6),  # B- always starts a new one
        Chunk("when", 6, 7),  # an I- of another label too
    ]
    assert tags_from_chunks(3, [Chunk("x", 1, 3)]) == ["O", "B-x", "I-x"]


def test_tagger_learns_spans_and_uses_the_intent_context() -> None:
    sentences = [
        ("play {x} now", "music"),
        ("please play {x}", "music"),
        ("find {x} for me", "book"),
        ("find the {x} please", "book"),
    ]
    names = ["jazz", "rock", "dune", "emma", "blues", "ulysses"]
    token_seqs: list[list[str]] = []
    tag_seqs: list[list[str]] = []
    contexts: list[str] = []
    for pattern, intent in sentences:
        for name in names:
            tokens = pattern.format(x=name).split()
            token_seqs.append(tokens)
            tag_seqs.append([f"B-{intent}_item" if t == name else "O" for t in tokens])
            contexts.append(intent)
    tagger = SlotTagger().fit(token_seqs, tag_seqs, contexts)
    assert tagger.predict(["play", "disco", "now"], context="music") == ["O", "B-music_item", "O"]
    assert tagger.predict(["find", "disco", "please"], context="book")[1] == "B-book_item"
    empty = SlotTagger().fit([["a", "b"]], [["O", "O"]])
    assert empty.predict(["a", "c"]) == ["O", "O"]
