"""Settings: defaults, environment overrides, secrets only from the environment, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, PluginsSettings, load_settings

REPO = Path(__file__).resolve().parents[2]


def test_shipped_config_matches_the_defaults(tmp_path: Path) -> None:
    shipped = load_settings(REPO / "config.toml", env={})
    assert shipped.bus.backend == "memory"
    assert shipped.storage.url.startswith("sqlite+aiosqlite:///")
    # Relative paths resolve against the config file's folder, not the working directory.
    assert shipped.app.data_dir == REPO / "var"
    assert shipped.storage.url.endswith(str(REPO / "var" / "sova.db"))
    assert shipped.plugins.enabled == PluginsSettings().enabled
    assert {"qa", "forecast", "abtest", "recommend", "imagegen"} <= set(shipped.plugins.enabled)
    assert shipped.plugins.section("reminders")["max_timer_s"] == 604800
    assert shipped.plugins.section("qa")["answer_threshold"] == 0.5


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    env = {
        "SOVA_BUS__CONCURRENCY": "64",
        "SOVA_STORAGE__URL": "postgresql+asyncpg://sova:secret@db/sova",
        "SOVA_TELEGRAM__TOKEN": "123:abc",
        "SOVA_ADMIN__USERS": "42, 43",
        "SOVA_PLUGINS__REMINDERS__MAX_TIMER_S": "60",
    }
    settings = load_settings(REPO / "config.toml", env=env)
    assert settings.bus.concurrency == 64
    assert settings.storage.url == "postgresql+asyncpg://sova:secret@db/sova"
    assert settings.telegram.token == "123:abc"
    assert settings.admin.users == (42, 43)
    assert settings.plugins.section("reminders")["max_timer_s"] == "60"


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ('[telegram]\ntoken = "123:abc"\n', "telegram.token must not be in"),
        ('[storage]\nurl = "postgresql://u:pw@h/db"\n', "contains a password"),
    ],
)
def test_secrets_in_the_file_are_refused(tmp_path: Path, toml: str, needle: str) -> None:
    file = tmp_path / "config.toml"
    file.write_text(toml)
    with pytest.raises(ConfigError, match=needle):
        load_settings(file, env={})


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SOVA_BUS__BACKEND": "kafka"}, "config error: bus.backend: Input should be 'memory'"),
        ({"SOVA_BUS__CONCURRENCY": "0"}, "config error: bus.concurrency:"),
        ({"SOVA_APP__TIMEZONE": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
        ({"SOVA_STORAGE__URL": "mysql://x/y"}, "unsupported database URL scheme 'mysql'"),
        ({"SOVA_BUS__COLOUR": "red"}, "bus.colour: unknown option; allowed: backend,"),
    ],
)
def test_a_wrong_value_is_one_clear_line(env: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(REPO / "config.toml", env=env)
    message = str(info.value)
    assert expected in message
    assert "\n" not in message


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text("[bus\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(file, env={})


def test_cli_prints_the_error_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOVA_BUS__MAX_PENDING", "-5")
    assert main(["--config", str(REPO / "config.toml"), "db", "current"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("config error: bus.max_pending:")
    assert len(err.splitlines()) == 1
