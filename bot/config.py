"""Typed settings from ``config.toml`` plus ``SOVA_<SECTION>__<KEY>`` environment variables.

Order of precedence: environment > config file > defaults in the models below. Secrets
(the bot token, passwords inside database URLs) are accepted only from the environment,
so a committed config file can never leak them. A wrong value raises ``ConfigError``
with one line naming the key and what is allowed; the CLI prints it and exits.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

ENV_PREFIX = "SOVA_"
DEFAULT_CONFIG_FILE = "config.toml"


class ConfigError(ValueError):
    """A configuration value is wrong; the message is one line meant for the operator."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AppSettings(_Section):
    default_language: Literal["ru", "en"] = "en"
    timezone: str = "Europe/Moscow"
    data_dir: Path = Path("var")
    max_input_chars: int = Field(default=4000, ge=1, le=100_000)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        return _validate_timezone(value)


class AdminSettings(_Section):
    users: tuple[int, ...] = ()

    @field_validator("users", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        # SOVA_ADMIN__USERS=123,456 is the natural way to write it in an environment.
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        if isinstance(value, int):
            return (value,)
        return value


class StorageSettings(_Section):
    url: str = "sqlite+aiosqlite:///var/sova.db"
    echo: bool = False
    auto_upgrade: bool = True

    @field_validator("url")
    @classmethod
    def _supported_url(cls, value: str) -> str:
        scheme = value.split("://", 1)[0]
        allowed = ("sqlite", "sqlite+aiosqlite", "postgresql", "postgresql+asyncpg")
        if scheme not in allowed:
            raise ValueError(f"unsupported database URL scheme {scheme!r}; allowed: {allowed}")
        return value


class BusSettings(_Section):
    backend: Literal["memory"] = "memory"
    max_pending: int = Field(default=1000, ge=1)
    concurrency: int = Field(default=32, ge=1)
    stage_timeout_s: float = Field(default=30.0, gt=0)
    drain_timeout_s: float = Field(default=10.0, ge=0)


class NluSettings(_Section):
    threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    use_embeddings: bool = True
    cache_dir: Path = Path("var/nlu-cache")
    default_time: time = time(9, 0)


class DialogueSettings(_Section):
    form_ttl_s: int = Field(default=900, ge=10)
    max_attempts: int = Field(default=3, ge=1)
    correction_window_s: int = Field(default=300, ge=0)


class SchedulerSettings(_Section):
    misfire_grace_s: int = Field(default=6 * 3600, ge=1)


class TelegramSettings(_Section):
    token: str | None = None
    api_url: str = "https://api.telegram.org"
    mode: Literal["polling", "webhook"] = "polling"
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=0, le=65535)
    webhook_path: str = "/telegram/webhook"
    webhook_public_url: str | None = None
    webhook_secret: str | None = None
    flood_limit: int = Field(default=20, ge=1)
    flood_window_s: float = Field(default=60.0, gt=0)
    local_files: bool = False


class DemoSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8081, ge=0, le=65535)


class OpsSettings(_Section):
    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(default=9108, ge=0, le=65535)
    json_logs: bool = False


class PluginsSettings(BaseModel):
    """``enabled`` lists built-in plugins; ``[plugins.<name>]`` tables are validated by each
    plugin's own schema when it loads, so they are kept as plain dicts here."""

    model_config = ConfigDict(extra="allow", frozen=True)

    enabled: tuple[str, ...] = (
        "smalltalk",
        "account",
        "reminders",
        "voice",
        "admin",
        "qa",
        "forecast",
        "abtest",
        "recommend",
        "imagegen",
    )
    entry_points: bool = True

    def section(self, name: str) -> dict[str, Any]:
        extra = self.model_extra or {}
        value = extra.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(f"config error: plugins.{name}: must be a table")
        return value


class Settings(_Section):
    app: AppSettings = AppSettings()
    admin: AdminSettings = AdminSettings()
    storage: StorageSettings = StorageSettings()
    bus: BusSettings = BusSettings()
    nlu: NluSettings = NluSettings()
    dialogue: DialogueSettings = DialogueSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    telegram: TelegramSettings = TelegramSettings()
    demo: DemoSettings = DemoSettings()
    ops: OpsSettings = OpsSettings()
    plugins: PluginsSettings = PluginsSettings()

    def data_path(self, path: Path) -> Path:
        return path if path.is_absolute() else self.app.data_dir / path


# Keys that may only come from the environment, and why the operator should care.
_SECRET_KEYS = {
    ("telegram", "token"): "SOVA_TELEGRAM__TOKEN",
    ("telegram", "webhook_secret"): "SOVA_TELEGRAM__WEBHOOK_SECRET",
}


def load_settings(
    path: str | Path | None = None, *, env: Mapping[str, str] | None = None
) -> Settings:
    """Read the config file (``path``, else ``$SOVA_CONFIG``, else ./config.toml, if present),
    apply environment overrides and validate. Relative paths resolve against the file's folder."""
    env = os.environ if env is None else env
    file = Path(path or env.get("SOVA_CONFIG") or DEFAULT_CONFIG_FILE)
    data: dict[str, Any] = {}
    base_dir = Path.cwd()
    if file.exists():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config error: {file}: not valid TOML ({exc})") from exc
        base_dir = file.resolve().parent
        _refuse_secrets_in_file(data, file)
    elif path is not None:
        raise ConfigError(f"config error: file {file} does not exist")
    _apply_env_overrides(data, env)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_one_line(exc)) from exc
    return _resolve_paths(settings, base_dir)


def _refuse_secrets_in_file(data: dict[str, Any], file: Path) -> None:
    for (section, key), env_name in _SECRET_KEYS.items():
        if data.get(section, {}).get(key):
            raise ConfigError(
                f"config error: {section}.{key} must not be in {file.name}; set {env_name} instead"
            )
    url = data.get("storage", {}).get("url")
    if isinstance(url, str) and urlsplit(url).password:
        raise ConfigError(
            f"config error: storage.url in {file.name} contains a password; "
            "set SOVA_STORAGE__URL in the environment instead"
        )


def _apply_env_overrides(data: dict[str, Any], env: Mapping[str, str]) -> None:
    for name, raw in env.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name or name == "SOVA_CONFIG":
            continue
        path = [part.lower() for part in name[len(ENV_PREFIX) :].split("__")]
        node = data
        for part in path[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ConfigError(f"config error: {name}: {'.'.join(path)} is not a table")
            node = child
        node[path[-1]] = _parse_env_value(raw)


def _parse_env_value(raw: str) -> Any:
    # Lists and tables come as JSON; scalars stay strings and pydantic coerces them.
    if raw[:1] in "[{":
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return raw
    return raw


def _one_line(exc: ValidationError) -> str:
    error = exc.errors()[0]
    key = ".".join(str(part) for part in error["loc"])
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        message = "unknown option" + _allowed_keys(error["loc"])
    elif message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return f"config error: {key}: {message}; got {error.get('input')!r}{more}"


def _allowed_keys(loc: tuple[int | str, ...]) -> str:
    model: type[BaseModel] = Settings
    for part in loc[:-1]:
        field = model.model_fields.get(str(part))
        if field is None or not isinstance(field.annotation, type):
            return ""
        model = field.annotation
    return "; allowed: " + ", ".join(model.model_fields)


def _resolve_paths(settings: Settings, base_dir: Path) -> Settings:
    def absolute(path: Path) -> Path:
        return path if path.is_absolute() else (base_dir / path)

    app = settings.app.model_copy(update={"data_dir": absolute(settings.app.data_dir)})
    nlu = settings.nlu.model_copy(update={"cache_dir": absolute(settings.nlu.cache_dir)})
    storage = settings.storage
    if storage.url.startswith("sqlite") and ":///" in storage.url:
        db_path = storage.url.split(":///", 1)[1]
        if db_path and db_path != ":memory:" and not Path(db_path).is_absolute():
            scheme = storage.url.split(":///", 1)[0]
            storage = storage.model_copy(update={"url": f"{scheme}:///{absolute(Path(db_path))}"})
    return settings.model_copy(update={"app": app, "nlu": nlu, "storage": storage})


def _validate_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {value!r}; use an IANA name such as Europe/Moscow or UTC"
        ) from exc
    return value
