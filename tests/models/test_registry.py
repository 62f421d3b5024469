"""ModelRegistry: lazy loading once, device choice, and a real (tiny) torch model."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
import torch

from models import ModelRegistry, ModelSpec, choose_device


def _toy_spec(loads: list[str], name: str = "toy") -> ModelSpec[int, int, int]:
    def loader(device: str) -> int:
        loads.append(threading.current_thread().name)
        time.sleep(0.05)  # slow enough that all first callers arrive during the load
        return 3

    def infer(factor: int, xs: list[int]) -> list[int]:
        return [x * factor for x in xs]

    warmed: list[int] = []
    return ModelSpec(name, loader, infer, device="cpu", max_wait_ms=2, warmup=warmed.append)


async def test_lazy_load_happens_once_under_concurrent_first_calls() -> None:
    loads: list[str] = []
    registry = ModelRegistry()
    registry.register(_toy_spec(loads))
    assert registry.loaded()[0].loaded is False
    assert loads == []  # registering loads nothing

    results = await asyncio.gather(*(registry.run("toy", i) for i in range(10)))
    assert results == [i * 3 for i in range(10)]
    assert len(loads) == 1
    assert loads[0] != threading.main_thread().name  # loaded off the event loop

    (info,) = registry.loaded()
    assert (info.name, info.device, info.loaded) == ("toy", "cpu", True)
    assert info.load_s is not None and info.load_s >= 0.05
    assert info.stats is not None and info.stats.served == 10
    assert await registry.get("toy") == 3
    await registry.close()


async def test_unknown_model_names_the_registered_ones() -> None:
    registry = ModelRegistry()
    registry.register(_toy_spec([], name="asr"))
    registry.register(_toy_spec([], name="embed"))
    with pytest.raises(KeyError, match="unknown model 'tts'; registered: asr, embed"):
        await registry.run("tts", 1)
    with pytest.raises(ValueError, match="already registered"):
        registry.register(_toy_spec([], name="asr"))
    await registry.close()


async def test_failed_load_is_retried() -> None:
    attempts = 0

    def loader(device: str) -> str:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise OSError("weights missing")
        return "m"

    registry = ModelRegistry()
    registry.register(ModelSpec("flaky", loader, lambda m, xs: [m for _ in xs], device="cpu"))
    with pytest.raises(OSError, match="weights missing"):
        await registry.get("flaky")
    assert await registry.run("flaky", 0) == "m"
    await registry.close()


def test_choose_device_on_this_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert choose_device("auto") == "cpu"
    assert choose_device("CPU") == "cpu"
    for wanted in ("cuda", "cuda:0"):
        with pytest.raises(ValueError, match="CUDA is not available"):
            choose_device(wanted)
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        choose_device("tpu")


def test_choose_device_with_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert choose_device("auto") == "cuda"
    assert choose_device("cuda:1") == "cuda:1"
    with pytest.raises(ValueError, match="only 2 CUDA device"):
        choose_device("cuda:2")


def test_spec_rejects_bad_limits() -> None:
    with pytest.raises(ValueError, match="max_batch must be >= 1"):
        ModelSpec("m", lambda d: d, lambda m, xs: xs, max_batch=0)


async def test_runs_a_real_torch_model() -> None:
    def loader(device: str) -> torch.nn.Linear:
        torch.manual_seed(0)
        return torch.nn.Linear(4, 2).to(device).eval()

    def infer(model: torch.nn.Linear, xs: list[torch.Tensor]) -> list[torch.Tensor]:
        with torch.inference_mode():
            return list(model(torch.stack(xs)).unbind(0))

    def warmup(model: torch.nn.Linear) -> None:
        infer(model, [torch.zeros(4)])

    registry = ModelRegistry()
    registry.register(ModelSpec("linear", loader, infer, device="auto", warmup=warmup))
    inputs = [torch.full((4,), float(i)) for i in range(6)]
    outputs = await asyncio.gather(*(registry.run("linear", x) for x in inputs))

    model = await registry.get("linear")
    with torch.inference_mode():
        expected = [model(x) for x in inputs]
    for got, want in zip(outputs, expected, strict=True):
        assert got.shape == (2,)
        torch.testing.assert_close(got, want)
    (info,) = registry.loaded()
    assert info.device == ("cuda" if torch.cuda.is_available() else "cpu")
    assert info.stats is not None and info.stats.batches < 6
    await registry.close()
