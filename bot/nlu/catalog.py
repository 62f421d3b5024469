"""Loading and validating the plugins' intent files (`plugins/<plugin>/intents/<lang>.yaml`)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.nlu.annotation import AnnotatedExample, AnnotationError, parse_annotated
from bot.nlu.errors import NluDataError
from bot.nlu.spec import IntentSpec, SlotSpec, SlotType
from bot.nlu.templates import Template, TemplateError, compile_template
from bot.nlu.yaml_source import line_of, load_yaml

_LANGUAGE = re.compile(r"[a-z]{2}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_FILE_KEYS = frozenset({"language", "slots", "intents"})
_SLOT_KEYS = frozenset({"type", "prompt", "values"})
_INTENT_KEYS = frozenset({"examples", "templates"})


@dataclass(frozen=True, slots=True)
class Example:
    """One training sentence of an intent, with where it came from (for error messages)."""

    intent: str
    lang: str
    annotated: AnnotatedExample
    source: str
    path: Path
    line: int | None


@dataclass(frozen=True, slots=True)
class TemplateEntry:
    lang: str
    template: Template
    path: Path
    line: int | None


@dataclass(slots=True)
class _SlotDeclaration:
    spec: SlotSpec
    path: Path
    line: int | None


class _PluginLoader:
    """Collects one plugin's files; cross-file checks run in `finish`."""

    def __init__(self, plugin: str) -> None:
        self.plugin = plugin
        self.slots: dict[str, _SlotDeclaration] = {}
        self.intent_slots: dict[str, list[str]] = {}
        self.intent_files: dict[str, Path] = {}  # where each intent was first seen
        self.examples: list[Example] = []
        self.templates: list[TemplateEntry] = []
        self.slot_uses: list[tuple[str, Path, int | None, str]] = []  # slot, path, line, text

    def load_file(self, path: Path) -> None:
        lang = path.stem
        if not _LANGUAGE.fullmatch(lang):
            raise NluDataError("intent files must be named <language>.yaml (ru.yaml)", path=path)
        data = load_yaml(path)
        if data is None:
            return
        _expect(isinstance(data, dict), "the file must be a mapping", path, None)
        _check_keys(data, _FILE_KEYS, path, "top level")
        declared = data.get("language", lang)
        if declared != lang:
            raise NluDataError(
                f"'language: {declared}' does not match the file name {path.name}",
                path=path,
                line=line_of(declared),
            )
        self._load_slots(data.get("slots") or {}, lang, path)
        self._load_intents(data.get("intents") or {}, lang, path)

    def _load_slots(self, slots: Any, lang: str, path: Path) -> None:
        _expect(isinstance(slots, dict), "'slots' must be a mapping", path, None)
        for name, body in slots.items():
            line = line_of(name)
            _expect(_is_name(name), f"bad slot name {name!r}", path, line)
            _expect(isinstance(body, dict), f"slot {name!r} must be a mapping", path, line)
            _check_keys(body, _SLOT_KEYS, path, f"slot {name!r}")
            raw_type = body.get("type")
            try:
                slot_type = SlotType(str(raw_type))
            except ValueError:
                allowed = ", ".join(member.value for member in SlotType)
                raise NluDataError(
                    f"slot {name!r} has type {raw_type!r}; expected one of {allowed}",
                    path=path,
                    line=line_of(raw_type) or line,
                ) from None
            prompt = body.get("prompt")
            _expect(
                prompt is None or isinstance(prompt, str),
                f"prompt of slot {name!r} must be text",
                path,
                line,
            )
            values = _enum_values(name, slot_type, body.get("values"), path, line)
            self._declare(name, slot_type, lang, prompt, values, path, line)

    def _declare(
        self,
        name: str,
        slot_type: SlotType,
        lang: str,
        prompt: str | None,
        values: dict[str, tuple[str, ...]],
        path: Path,
        line: int | None,
    ) -> None:
        previous = self.slots.get(name)
        if previous is not None and previous.spec.type != slot_type:
            raise NluDataError(
                f"slot {name!r} is {slot_type.value} here but {previous.spec.type.value} in "
                f"{previous.path}:{previous.line}",
                path=path,
                line=line,
            )
        prompts = dict(previous.spec.prompts) if previous else {}
        enum_values = dict(previous.spec.values) if previous else {}
        if prompt:
            prompts[lang] = str(prompt).strip()
        if values:
            enum_values[lang] = values
        spec = SlotSpec(str(name), slot_type, prompts, enum_values)
        self.slots[name] = _SlotDeclaration(spec, path, line)

    def _load_intents(self, intents: Any, lang: str, path: Path) -> None:
        _expect(isinstance(intents, dict), "'intents' must be a mapping", path, None)
        for name, body in intents.items():
            line = line_of(name)
            _expect(_is_name(name), f"bad intent name {name!r}", path, line)
            _expect(isinstance(body, dict), f"intent {name!r} must be a mapping", path, line)
            _check_keys(body, _INTENT_KEYS, path, f"intent {name!r}")
            examples = _string_list(body.get("examples"), f"examples of {name!r}", path, line)
            templates = _string_list(body.get("templates"), f"templates of {name!r}", path, line)
            _expect(
                bool(examples or templates),
                f"intent {name!r} needs at least one example or template",
                path,
                line,
            )
            used = self.intent_slots.setdefault(str(name), [])
            self.intent_files.setdefault(str(name), path)
            for source in examples:
                example = self._example(str(name), lang, source, path)
                used.extend(span.slot for span in example.annotated.spans)
            for source in templates:
                entry = self._template(str(name), lang, source, path)
                used.extend(sorted(entry.template.slots))

    def _example(self, intent: str, lang: str, source: str, path: Path) -> Example:
        line = line_of(source)
        try:
            annotated = parse_annotated(source)
        except AnnotationError as error:
            raise NluDataError(str(error), path=path, line=line, snippet=source) from None
        for span in annotated.spans:
            self.slot_uses.append((span.slot, path, line, source))
        example = Example(intent, lang, annotated, str(source), path, line)
        self.examples.append(example)
        return example

    def _template(self, intent: str, lang: str, source: str, path: Path) -> TemplateEntry:
        line = line_of(source)
        try:
            template = compile_template(intent, source)
        except TemplateError as error:
            raise NluDataError(str(error), path=path, line=line, snippet=source) from None
        for slot in sorted(template.slots):
            self.slot_uses.append((slot, path, line, source))
        entry = TemplateEntry(lang, template, path, line)
        self.templates.append(entry)
        return entry

    def finish(self) -> None:
        for slot, path, line, source in self.slot_uses:
            if slot not in self.slots:
                raise NluDataError(
                    f"slot {slot!r} is not declared under 'slots' in plugin {self.plugin!r}",
                    path=path,
                    line=line,
                    snippet=source,
                )


def _is_name(value: object) -> bool:
    return isinstance(value, str) and _NAME.fullmatch(value) is not None


def _expect(condition: bool, message: str, path: Path, line: int | None) -> None:
    if not condition:
        raise NluDataError(message, path=path, line=line)


def _check_keys(mapping: dict[Any, Any], allowed: frozenset[str], path: Path, where: str) -> None:
    # Unknown keys are almost always typos ("exmaples"), which would otherwise be silently ignored.
    for key in mapping:
        if key not in allowed:
            expected = ", ".join(sorted(allowed))
            raise NluDataError(
                f"unknown key {key!r} in {where}; expected one of {expected}",
                path=path,
                line=line_of(key),
            )


def _string_list(value: Any, what: str, path: Path, line: int | None) -> list[str]:
    if value is None:
        return []
    _expect(isinstance(value, list), f"{what} must be a list", path, line)
    for item in value:
        item_line = line_of(item) or line
        _expect(isinstance(item, str), f"{what}: {item!r} is not text", path, item_line)
    return list(value)


def _enum_values(
    name: str, slot_type: SlotType, raw: Any, path: Path, line: int | None
) -> dict[str, tuple[str, ...]]:
    if slot_type is not SlotType.ENUM:
        _expect(raw is None, f"slot {name!r}: only enum slots take 'values'", path, line)
        return {}
    _expect(isinstance(raw, dict) and bool(raw), f"enum slot {name!r} needs 'values'", path, line)
    values: dict[str, tuple[str, ...]] = {}
    for canonical, raw_synonyms in raw.items():
        # `movie: кино` and `movie:` (no synonyms) are natural shorthands for short lists.
        synonyms = [raw_synonyms] if isinstance(raw_synonyms, str) else raw_synonyms
        where = f"synonyms of {canonical!r} in slot {name!r}"
        values[str(canonical)] = tuple(_string_list(synonyms, where, path, line_of(canonical)))
    return values


class IntentCatalog:
    """All intents, slots, examples and templates of the enabled plugins."""

    def __init__(
        self,
        intents: Mapping[str, IntentSpec],
        slots: Mapping[str, Mapping[str, SlotSpec]],
        examples: Sequence[Example],
        templates: Sequence[TemplateEntry],
    ) -> None:
        self.intents: Mapping[str, IntentSpec] = MappingProxyType(dict(intents))
        self._slots = {plugin: dict(specs) for plugin, specs in slots.items()}
        self.examples: tuple[Example, ...] = tuple(examples)
        self.templates: tuple[TemplateEntry, ...] = tuple(templates)

    @classmethod
    def load(cls, sources: Sequence[tuple[str, Path]]) -> IntentCatalog:
        """Read every `<lang>.yaml` in each `(plugin_name, intents_dir)`; raise NluDataError."""
        intents: dict[str, IntentSpec] = {}
        owners: dict[str, Path] = {}
        slots: dict[str, dict[str, SlotSpec]] = {}
        examples: list[Example] = []
        templates: list[TemplateEntry] = []
        for plugin, directory in sources:
            if not directory.is_dir():
                raise NluDataError("intents directory does not exist", path=directory)
            loader = _PluginLoader(plugin)
            for path in sorted(directory.glob("*.yaml")):
                loader.load_file(path)
            loader.finish()
            for intent, used in loader.intent_slots.items():
                here = loader.intent_files[intent]
                if intent in intents:
                    raise NluDataError(
                        f"intent {intent!r} of plugin {plugin!r} is already defined by plugin "
                        f"{intents[intent].plugin!r} in {owners[intent]}",
                        path=here,
                    )
                intents[intent] = IntentSpec(intent, plugin, tuple(dict.fromkeys(used)))
                owners[intent] = here
            slots[plugin] = {name: decl.spec for name, decl in loader.slots.items()}
            examples.extend(loader.examples)
            templates.extend(loader.templates)
        return cls(intents, slots, examples, templates)

    def slot(self, intent: str, slot: str) -> SlotSpec:
        """The spec of `slot` as used by `intent`; KeyError for unknown intents or slots."""
        plugin = self.intents[intent].plugin
        return self._slots[plugin][slot]

    def plugin_slots(self, plugin: str) -> Mapping[str, SlotSpec]:
        return MappingProxyType(self._slots.get(plugin, {}))

    def languages(self) -> tuple[str, ...]:
        """Languages that have at least one example or template, sorted."""
        found = {example.lang for example in self.examples}
        found.update(entry.lang for entry in self.templates)
        return tuple(sorted(found))

    def content_hash(self) -> str:
        """A digest of everything that affects training and matching (not file paths)."""
        payload = {
            "intents": sorted(
                (spec.name, spec.plugin, list(spec.slots)) for spec in self.intents.values()
            ),
            "slots": {
                plugin: {
                    name: [spec.type.value, sorted(spec.prompts.items()), _sorted_values(spec)]
                    for name, spec in sorted(specs.items())
                }
                for plugin, specs in sorted(self._slots.items())
            },
            "examples": [[e.intent, e.lang, e.source] for e in self.examples],
            "templates": [[t.template.intent, t.lang, t.template.source] for t in self.templates],
        }
        encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(encoded).hexdigest()


def _sorted_values(spec: SlotSpec) -> list[Any]:
    return [
        [lang, sorted((canonical, list(synonyms)) for canonical, synonyms in values.items())]
        for lang, values in sorted(spec.values.items())
    ]
