"""`sova demo` as a person runs it: it prints the web chat address, the page answers, the chat
works through the emulator, and Ctrl-C stops it cleanly."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body.startswith(b"{") else body.decode()


def _post(url: str, payload: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_demo_serves_the_web_chat_and_stops_on_ctrl_c(tmp_path: Path, nlu_cache: Path) -> None:
    env = {
        **os.environ,
        "SOVA_APP__DATA_DIR": str(tmp_path),
        "SOVA_STORAGE__URL": f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}",
        "SOVA_NLU__CACHE_DIR": str(nlu_cache),
        "SOVA_DEMO__PORT": "0",
        "SOVA_OPS__PORT": "0",
        "SOVA_PLUGINS__ENTRY_POINTS": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--config", str(REPO / "config.toml"), "demo"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        url = None
        deadline = time.monotonic() + 120
        while url is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            assert line, "sova demo exited before printing its address"
            found = re.search(r"Open (http://127\.0\.0\.1:\d+)/ in a browser", line)
            url = found.group(1) if found else None
        assert url is not None
        assert "<html" in _get(f"{url}/").lower()
        _post(f"{url}/chat/api/send", {"user_id": 1001, "text": "hello"})
        deadline = time.monotonic() + 30
        replies: list[str] = []
        while not replies and time.monotonic() < deadline:
            feed = _get(f"{url}/chat/api/updates?chat_id=1001&after=0&timeout=2")
            replies = [m["message"].get("text", "") for m in feed["messages"] if m["from_bot"]]
        assert replies and replies[0].startswith("Hi")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
