"""The NLU engine: templates, then the intent classifier, then slots (tagger + extractors)."""

from __future__ import annotations

import logging
import time as clock
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from bot.nlu import model_cache
from bot.nlu.catalog import IntentCatalog
from bot.nlu.classifier import IntentClassifier
from bot.nlu.embeddings import shared_use_embedder
from bot.nlu.extractors import ParseContext, clean_text, find_slot_value, parse_slot_value
from bot.nlu.options import NluOptions
from bot.nlu.result import NluResult, SlotValue
from bot.nlu.slot_filling import SlotFiller
from bot.nlu.spec import SlotSpec, SlotType
from bot.nlu.tagger import SlotTagger
from bot.nlu.templates import TemplateMatcher
from bot.nlu.text import detect_language
from bot.nlu.training import OUT_OF_SCOPE, build_training_set, out_of_scope_digest

logger = logging.getLogger(__name__)

_ALTERNATIVES = 3  # how many runner-up intents a result carries for "did you mean"
_ALTERNATIVE_FLOOR = 0.01  # runner-ups less likely than this are noise, not suggestions


@dataclass(slots=True)
class TrainedModels:
    """Everything learned from the catalog; this is what the cache stores."""

    classifier: IntentClassifier | None  # None when fewer than two classes had examples
    tagger: SlotTagger
    training_seconds: float


class NluEngine:
    def __init__(
        self,
        catalog: IntentCatalog,
        options: NluOptions,
        models: TrainedModels,
        *,
        cache_key: str,
        from_cache: bool,
    ) -> None:
        self.catalog = catalog
        self.options = options
        self.models = models
        self.cache_key = cache_key
        self.from_cache = from_cache  # whether `build` loaded the models instead of training
        self._matchers = {
            lang: TemplateMatcher(
                entry.template for entry in catalog.templates if entry.lang == lang
            )
            for lang in options.languages
        }
        self._slots = SlotFiller(catalog, models.tagger)

    @classmethod
    def build(
        cls, catalog: IntentCatalog, *, options: NluOptions, cache_dir: Path | None
    ) -> NluEngine:
        """Train, or load models trained on identical data, options and code from `cache_dir`."""
        key = model_cache.cache_key(
            catalog.content_hash(), options, out_of_scope_digest(options.languages)
        )
        models = model_cache.load(cache_dir, key) if cache_dir is not None else None
        from_cache = isinstance(models, TrainedModels)
        if not isinstance(models, TrainedModels):
            models = _train(catalog, options)
            if cache_dir is not None:
                model_cache.save(cache_dir, key, models)
        if options.use_embeddings:
            embedder = shared_use_embedder()
            if models.classifier is not None:
                models.classifier.embedder = embedder
            models.tagger.attach(embedder)
        engine = cls(catalog, options, models, cache_key=key, from_cache=from_cache)
        engine._warm_up()
        return engine

    def _warm_up(self) -> None:
        """Load what the first utterance would otherwise wait for (the USE weights, ~1 s;
        dateparser's language data), so the first user is not the slow one."""
        for lang in self.options.languages:
            context = ParseContext(lang, datetime.now(UTC), ZoneInfo("UTC"))
            parse_slot_value(SlotSpec("warm_up", SlotType.DATETIME), "12:00", context)
        if self.options.use_embeddings and self.models.classifier is not None:
            self.models.classifier.predict_proba(["warm up"])

    def understand(
        self,
        text: str,
        *,
        lang: str | None,
        now: datetime,
        tz: ZoneInfo,
        enabled_intents: Collection[str] | None = None,
    ) -> NluResult:
        """Intent and slots of one utterance; intent None when nothing fits well enough."""
        language = lang or detect_language(text, default=self.options.languages[0])
        context = ParseContext(language, now, tz, self.options.default_time)
        allowed = set(enabled_intents) if enabled_intents is not None else None
        matched = self._match_template(text, context, allowed)
        if matched is not None:
            return matched
        ranked, out_of_scope = self._rank(text, allowed)
        best_intent, best_probability = ranked[0] if ranked else (None, 0.0)
        accepted = (
            best_intent is not None
            and best_probability >= self.options.threshold
            and best_probability > out_of_scope
        )
        if not accepted or best_intent is None:
            return NluResult(
                text, language, None, best_probability, {}, "fallback", _alternatives(ranked)
            )
        slots = self._slots.fill(best_intent, text, context)
        return NluResult(
            text,
            language,
            best_intent,
            best_probability,
            slots,
            "classifier",
            _alternatives(ranked[1:]),
        )

    def extract_slot(
        self, intent: str, slot: str, text: str, *, lang: str, now: datetime, tz: ZoneInfo
    ) -> SlotValue | None:
        """Read a form's answer as exactly this slot: the whole text first, then a search in it."""
        spec = self.catalog.slot(intent, slot)
        context = ParseContext(lang, now, tz, self.options.default_time)
        cleaned = clean_text(text)
        if cleaned:
            value = parse_slot_value(spec, cleaned, context)
            if value is not None:
                start = text.index(cleaned)
                return SlotValue(cleaned, value, start, start + len(cleaned))
        found = find_slot_value(spec, text, context)
        if found is None:
            return None
        return SlotValue(text[found.start : found.end], found.value, found.start, found.end)

    def _match_template(
        self, text: str, context: ParseContext, allowed: set[str] | None
    ) -> NluResult | None:
        matcher = self._matchers.get(context.lang)
        if matcher is None:
            return None
        for match in matcher.match(text, allowed):
            slots = self._slots.from_spans(match.intent, text, match.spans, context)
            if slots is not None:  # a capture that does not parse as its type: not a match
                return NluResult(text, context.lang, match.intent, 1.0, slots, "template", ())
        return None

    def _rank(self, text: str, allowed: set[str] | None) -> tuple[list[tuple[str, float]], float]:
        """In-scope intents by probability (disabled ones dropped), and the out-of-scope one.

        Disabled intents are masked, not renormalised away: if the best match is a disabled
        intent, the enabled ones do not inherit its probability and the result falls back.
        """
        classifier = self.models.classifier
        if classifier is None or not text.strip():
            return [], 1.0
        probabilities = classifier.predict_proba([text])[0]
        out_of_scope = 0.0
        ranked: list[tuple[str, float]] = []
        for index in np.argsort(-probabilities):
            name = str(classifier.classes_[index])
            probability = float(probabilities[index])
            if name == OUT_OF_SCOPE:
                out_of_scope = probability
            elif name in self.catalog.intents and (allowed is None or name in allowed):
                ranked.append((name, probability))
        return ranked, out_of_scope


def _alternatives(ranked: list[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
    return tuple((name, p) for name, p in ranked[:_ALTERNATIVES] if p >= _ALTERNATIVE_FLOOR)


def _train(catalog: IntentCatalog, options: NluOptions) -> TrainedModels:
    started = clock.perf_counter()
    data = build_training_set(catalog, options.languages)
    embedder = shared_use_embedder() if options.use_embeddings else None
    classifier: IntentClassifier | None = None
    if len(set(data.labels)) >= 2:
        classifier = IntentClassifier(embedder=embedder).fit(data.texts, data.labels)
    tagger = SlotTagger(embedder=embedder).fit(data.token_seqs, data.tag_seqs, data.contexts)
    seconds = clock.perf_counter() - started
    logger.info("NLU trained on %d sentences in %.1f s", len(data.texts), seconds)
    return TrainedModels(classifier, tagger, seconds)
