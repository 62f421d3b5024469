"""Stopping an engine's long-lived worker process (Piper's worker, festival)."""

from __future__ import annotations

import subprocess


def stop_process(process: subprocess.Popen[bytes], grace_s: float = 5.0) -> None:
    """Close its stdin (the worker's signal to exit), wait ``grace_s``, then kill; close stdout."""
    if process.stdin is not None:
        process.stdin.close()
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()
