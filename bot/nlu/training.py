"""Turning the catalog (plus the built-in out-of-scope sentences) into training data."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.nlu.annotation import AnnotatedExample
from bot.nlu.bio import OUTSIDE
from bot.nlu.catalog import IntentCatalog
from bot.nlu.errors import NluDataError
from bot.nlu.text import tokenize
from bot.nlu.yaml_source import load_yaml

# The class of "none of the plugins' intents"; it is never reported as an intent.
OUT_OF_SCOPE = "__out_of_scope__"
DATA_DIR = Path(__file__).parent / "data"


@dataclass(slots=True)
class TrainingSet:
    texts: list[str] = field(default_factory=list)  # classifier input, with `labels`
    labels: list[str] = field(default_factory=list)
    token_seqs: list[list[str]] = field(default_factory=list)  # tagger input, with `tag_seqs`
    tag_seqs: list[list[str]] = field(default_factory=list)
    contexts: list[str] = field(default_factory=list)  # the intent of each tagged sentence


def out_of_scope_path(lang: str) -> Path:
    return DATA_DIR / f"out_of_scope_{lang}.yaml"


def load_out_of_scope(lang: str) -> list[str]:
    """The built-in sentences that belong to no intent (none for an unknown language)."""
    path = out_of_scope_path(lang)
    if not path.exists():
        return []
    data = load_yaml(path)
    sentences = data.get("sentences") if isinstance(data, dict) else None
    if not isinstance(sentences, list) or not all(isinstance(s, str) for s in sentences):
        raise NluDataError("expected 'sentences:' with a list of text", path=path)
    return [str(sentence) for sentence in sentences]


def out_of_scope_digest(languages: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for lang in sorted(languages):
        path = out_of_scope_path(lang)
        if path.exists():
            digest.update(lang.encode() + path.read_bytes())
    return digest.hexdigest()


def bio_tags(example: AnnotatedExample) -> tuple[list[str], list[str]]:
    """Tokens of an example and their BIO tags; a token belongs to the span it overlaps."""
    tokens = tokenize(example.text)
    tags = [OUTSIDE] * len(tokens)
    for span in example.spans:
        inside = [i for i, t in enumerate(tokens) if t.start < span.end and t.end > span.start]
        for position, index in enumerate(inside):
            tags[index] = ("B-" if position == 0 else "I-") + span.slot
    return [token.text for token in tokens], tags


def build_training_set(catalog: IntentCatalog, languages: Sequence[str]) -> TrainingSet:
    data = TrainingSet()
    for example in catalog.examples:
        if example.lang not in languages:
            continue
        data.texts.append(example.annotated.text)
        data.labels.append(example.intent)
        tokens, tags = bio_tags(example.annotated)
        data.token_seqs.append(tokens)
        data.tag_seqs.append(tags)
        data.contexts.append(example.intent)
    for lang in languages:
        for sentence in load_out_of_scope(lang):
            data.texts.append(sentence)
            data.labels.append(OUT_OF_SCOPE)
    return data
