"""Plugin discovery, configuration, ordering and routing tables.

Built-in plugins are the packages named in ``[plugins] enabled`` (``plugins.<name>``);
third-party ones come from the ``sova.plugins`` entry point group. Plugins are constructed
in dependency order (``depends_on``, like Errbot's manager), each with its ``[plugins.<name>]``
table validated by the plugin's own ``config_model``. Plugins can be disabled and enabled at
run time: a disabled plugin's intents, commands and events are simply not routed.
"""

from __future__ import annotations

import graphlib
import importlib
import inspect
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import ValidationError

from bot.config import ConfigError, PluginsSettings
from bot.i18n import Translations
from bot.plugins import (
    ButtonMark,
    CommandInfo,
    CommandMark,
    EventMark,
    FallbackMark,
    IntentMark,
    JobMark,
    Manifest,
    OutgoingMark,
    Plugin,
    PluginRuntime,
    PreStageMark,
    handler_marks,
)

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "sova.plugins"
Method = Callable[..., Any]


@dataclass(frozen=True, slots=True)
class IntentRoute:
    plugin: Plugin
    handler: Method
    required: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CommandRoute:
    plugin: Plugin
    handler: Method
    admin: bool


@dataclass(frozen=True, slots=True)
class JobRoute:
    plugin: Plugin
    name: str  # "<plugin>.<job>"
    handler: Method
    cron: str | None
    interval_s: float | None


@dataclass(frozen=True, slots=True)
class FallbackRoute:
    plugin: Plugin
    handler: Method
    priority: int


@dataclass(frozen=True, slots=True)
class EventRoute:
    plugin: Plugin
    event_type: type[Any]
    handler: Method


class PluginRegistry:
    def __init__(self, plugins: list[Plugin]) -> None:
        self.plugins = {p.name: p for p in plugins}
        self._disabled: set[str] = set()
        self.intents: dict[str, IntentRoute] = {}
        self.commands: dict[str, CommandRoute] = {}
        self.buttons: dict[str, CommandRoute] = {}  # "<plugin>.<button>" -> handler
        self.pre_stages: list[tuple[str, Plugin, Method]] = []
        self.outgoing: list[tuple[Plugin, Method]] = []
        self.jobs: list[JobRoute] = []
        self.events: list[EventRoute] = []
        self._fallbacks: list[FallbackRoute] = []
        for plugin in plugins:
            self._collect(plugin)
        # Stable: equal priorities keep plugin (dependency) order.
        self._fallbacks.sort(key=lambda route: route.priority)

    def _collect(self, plugin: Plugin) -> None:
        for _, method in inspect.getmembers(plugin, inspect.ismethod):
            for mark in handler_marks(method):
                self._add(plugin, method, mark)

    def _add(self, plugin: Plugin, method: Method, mark: object) -> None:
        where = f"{plugin.name}.{method.__name__}"
        if isinstance(mark, IntentMark):
            if mark.name in self.intents:
                other = self.intents[mark.name].plugin.name
                raise ConfigError(
                    f"plugin error: intent {mark.name!r} of {where} is also {other}'s"
                )
            self.intents[mark.name] = IntentRoute(plugin, method, mark.required)
        elif isinstance(mark, CommandMark):
            if mark.name in self.commands:
                raise ConfigError(
                    f"plugin error: command /{mark.name} of {where} is defined twice"
                )
            self.commands[mark.name] = CommandRoute(plugin, method, mark.admin)
        elif isinstance(mark, JobMark):
            full = f"{plugin.name}.{mark.name}"
            self.jobs.append(JobRoute(plugin, full, method, mark.cron, mark.interval_s))
        elif isinstance(mark, EventMark):
            self.events.append(EventRoute(plugin, mark.event_type, method))
        elif isinstance(mark, ButtonMark):
            self.buttons[f"{plugin.name}.{mark.name}"] = CommandRoute(plugin, method, mark.admin)
        elif isinstance(mark, PreStageMark):
            self.pre_stages.append((mark.name, plugin, method))
        elif isinstance(mark, OutgoingMark):
            self.outgoing.append((plugin, method))
        elif isinstance(mark, FallbackMark):
            self._fallbacks.append(FallbackRoute(plugin, method, mark.priority))

    # -- enable / disable -------------------------------------------------------------
    def is_enabled(self, name: str) -> bool:
        return name in self.plugins and name not in self._disabled

    def disable(self, name: str) -> None:
        self._require(name)
        self._disabled.add(name)

    def enable(self, name: str) -> None:
        self._require(name)
        self._disabled.discard(name)

    def _require(self, name: str) -> None:
        if name not in self.plugins:
            raise KeyError(f"no plugin named {name!r}; loaded: {', '.join(sorted(self.plugins))}")

    # -- routing ------------------------------------------------------------------------
    def intent_route(self, name: str) -> IntentRoute | None:
        route = self.intents.get(name)
        return route if route and self.is_enabled(route.plugin.name) else None

    def command_route(self, name: str) -> CommandRoute | None:
        route = self.commands.get(name)
        return route if route and self.is_enabled(route.plugin.name) else None

    def button_route(self, name: str) -> CommandRoute | None:
        route = self.buttons.get(name)
        return route if route and self.is_enabled(route.plugin.name) else None

    def fallbacks(self) -> list[FallbackRoute]:
        """The fallback chain of enabled plugins, lowest priority first."""
        return [route for route in self._fallbacks if self.is_enabled(route.plugin.name)]

    def enabled_intents(self) -> set[str]:
        return {name for name, r in self.intents.items() if self.is_enabled(r.plugin.name)}

    def intent_sources(self) -> list[tuple[str, Path]]:
        """(plugin, intents folder) for every loaded plugin that has one, for the NLU."""
        return intent_sources(type(p) for p in self.plugins.values())

    def manifests(self) -> list[Manifest]:
        return [self._manifest(p) for p in self.plugins.values()]

    def _manifest(self, plugin: Plugin) -> Manifest:
        commands = tuple(
            CommandInfo(name, _command_help(plugin, route.handler, name), route.admin)
            for name, route in sorted(self.commands.items())
            if route.plugin is plugin
        )
        langs = ("ru", "en")
        examples: dict[str, tuple[str, ...]] = {}
        for lang in langs:
            raw = plugin.t("plugin.examples", lang)
            examples[lang] = (
                tuple(x.strip() for x in raw.split("|") if x.strip())
                if (plugin.texts.has("plugin.examples", lang))
                else ()
            )
        intents = tuple(n for n, r in self.intents.items() if r.plugin is plugin)
        intent_titles = {
            name: {
                lang: plugin.t(f"intent.{name}", lang)
                for lang in langs
                if plugin.texts.has(f"intent.{name}", lang)
            }
            for name in intents
        }
        return Manifest(
            name=plugin.name,
            title={lang: plugin.t("plugin.title", lang) for lang in langs},
            description={lang: plugin.t("plugin.description", lang) for lang in langs},
            examples=examples,
            intents=intents,
            commands=commands,
            enabled=self.is_enabled(plugin.name),
            intent_titles=intent_titles,
        )


def _command_help(plugin: Plugin, handler: Method, name: str) -> dict[str, str]:
    doc = (inspect.getdoc(handler) or "").split("\n", 1)[0]
    key = f"command.{name}"
    return {
        lang: plugin.t(key, lang) if plugin.texts.has(key, lang) else doc for lang in ("ru", "en")
    }


def discover_plugin_classes(settings: PluginsSettings) -> dict[str, type[Plugin]]:
    """Built-ins named in config plus entry-point plugins, keyed by plugin name.

    A name with a dot (``my_company.sova_plugins.crm``) is imported as a module path, so a
    local plugin works without being packaged; a plain name means ``plugins.<name>``."""
    classes: dict[str, type[Plugin]] = {}
    for entry in settings.enabled:
        module_name = entry if "." in entry else f"plugins.{entry}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            raise ConfigError(
                f"config error: plugins.enabled: no plugin module {module_name!r} "
                f"({exc.name} missing)"
            ) from exc
        cls = _plugin_class_in(module, None if "." in entry else entry)
        classes[cls.name] = cls
    if settings.entry_points:
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            loaded = ep.load()
            if not (isinstance(loaded, type) and issubclass(loaded, Plugin)):
                raise ConfigError(f"plugin error: entry point {ep.name} is not a Plugin subclass")
            classes.setdefault(loaded.name, loaded)
    return classes


def _plugin_class_in(module: ModuleType, name: str | None) -> type[Plugin]:
    """The Plugin subclass defined in ``module`` (named ``name``, when given)."""
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, Plugin)
        and value.__module__ == module.__name__
        and (name is None or getattr(value, "name", None) == name)
    ]
    if len(found) != 1:
        wanted = f" named {name!r}" if name else ""
        raise ConfigError(
            f"plugin error: module {module.__name__} must define exactly one Plugin{wanted}, "
            f"found {len(found)}"
        )
    return found[0]


def command_menu(classes: Iterable[type[Plugin]], lang: str) -> list[tuple[str, str]]:
    """(command, description) for the chat client's command menu (Telegram's setMyCommands):
    every non-admin command of the given plugin classes, described in ``lang``."""
    menu: list[tuple[str, str]] = []
    for cls in classes:
        texts = Translations.load(cls.folder() / "locales")
        for _, func in inspect.getmembers(cls, inspect.isfunction):
            for mark in handler_marks(func):
                if isinstance(mark, CommandMark) and not mark.admin:
                    key = f"command.{mark.name}"
                    doc = (inspect.getdoc(func) or mark.name).split("\n", 1)[0]
                    menu.append((mark.name, texts.t(key, lang) if texts.has(key, lang) else doc))
    return menu


def dependency_order(classes: dict[str, type[Plugin]]) -> list[type[Plugin]]:
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for name, cls in classes.items():
        missing = [d for d in cls.depends_on if d not in classes]
        if missing:
            raise ConfigError(f"plugin error: {name} needs plugin(s) {missing}, not enabled")
        sorter.add(name, *cls.depends_on)
    try:
        return [classes[name] for name in sorter.static_order()]
    except graphlib.CycleError as exc:
        cycle = exc.args[1]
        message = f"plugin error: plugins depend on each other in a cycle: {cycle}"
        raise ConfigError(message) from None


def build_registry(settings: PluginsSettings, runtime: PluginRuntime) -> PluginRegistry:
    plugins = []
    for cls in dependency_order(discover_plugin_classes(settings)):
        try:
            config = cls.config_model.model_validate(settings.section(cls.name))
        except ValidationError as exc:
            err = exc.errors()[0]
            key = ".".join(str(p) for p in err["loc"])
            raise ConfigError(f"config error: plugins.{cls.name}.{key}: {err['msg']}") from exc
        plugins.append(cls(runtime, config))
    return PluginRegistry(plugins)


def intent_sources(classes: Iterable[type[Plugin]]) -> list[tuple[str, Path]]:
    """(plugin, intents folder) pairs for the NLU catalog."""
    sources = []
    for cls in classes:
        folder = cls.folder() / "intents"
        if folder.is_dir():
            sources.append((cls.name, folder))
    return sources
