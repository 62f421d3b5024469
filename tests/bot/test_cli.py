"""The `sova` command as a user runs it: piped chat, `sova nlu`, `sova db`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

REPO = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, nlu_cache: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SOVA_APP__DATA_DIR": str(tmp_path / "var"),
        "SOVA_STORAGE__URL": f"sqlite+aiosqlite:///{tmp_path / 'var' / 'sova.db'}",
        "SOVA_NLU__CACHE_DIR": str(nlu_cache),
        "SOVA_PLUGINS__ENTRY_POINTS": "false",
        "SOVA_APP__TIMEZONE": "UTC",
    }


@pytest.fixture
def sova_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, nlu_cache: Path) -> None:
    """The SOVA_* variables of ``_env`` for an in-process ``main()`` call."""
    for key, value in _env(tmp_path, nlu_cache).items():
        if key.startswith("SOVA_"):
            monkeypatch.setenv(key, value)


def test_piped_chat_answers_each_line_in_order(tmp_path: Path, nlu_cache: Path) -> None:
    lines = "hi\nнапомни мне через 2 минуты позвонить маме\nremind me to buy milk\ncancel\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(REPO / "config.toml"), "chat"],
        input=lines,
        capture_output=True,
        text=True,
        env=_env(tmp_path, nlu_cache),
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[0].startswith("Hi")
    assert out[1].startswith("Хорошо, напомню") and out[1].endswith("позвонить маме")
    assert out[2] == "When should I remind you?"
    assert out[3] == "OK, cancelled."
    assert len(out) == 4


def test_nlu_prints_one_json_object(
    sova_env: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(
        [
            "--config", str(REPO / "config.toml"), "nlu",
            "remind me tomorrow at 7am to call mom", "--now", "2026-03-10T10:00:00",
        ]
    )  # fmt: skip
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"intent", "confidence", "lang", "slots"}
    assert result["intent"] == "set_reminder" and result["lang"] == "en"
    when = {"text": "tomorrow at 7am", "value": "2026-03-11T07:00:00+00:00"}
    assert result["slots"]["when"] == when
    assert result["slots"]["what"]["text"] == "call mom"
    assert 0.5 < result["confidence"] <= 1.0


def test_nlu_test_files_exit_code(
    sova_env: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "language: en\nnow: '2026-03-10T10:00:00'\ntimezone: UTC\n"
        "tests:\n  - sentences: [hello there]\n    intent: set_timer\n"
    )
    good = REPO / "tests" / "nlu" / "en" / "smalltalk.yaml"
    assert main(["--config", str(REPO / "config.toml"), "nlu", "--test", str(good)]) == 0
    assert main(["--config", str(REPO / "config.toml"), "nlu", "--test", str(bad)]) == 1
    assert "hello there" in capsys.readouterr().out


def test_db_upgrade_downgrade_current(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("SOVA_STORAGE__URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("SOVA_APP__DATA_DIR", str(tmp_path))
    config = str(REPO / "config.toml")
    assert main(["--config", config, "db", "current"]) == 0
    assert "revision none" in capsys.readouterr().out
    assert main(["--config", config, "db", "upgrade"]) == 0
    head = capsys.readouterr().out
    assert re.search(r"revision \d{4}\n", head), head
    assert main(["--config", config, "db", "downgrade", "base"]) == 0
    assert "revision none" in capsys.readouterr().out
