"""models.tts engines with the real programs: Piper's worker process, festival, espeak-ng.

Piper runs in ``.venv-piper`` (``make install``); festival + festvox-ru and espeak-ng are Debian
packages. Processes are checked through ``/proc``: a worker that is "gone" has been reaped.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from num2words import num2words  # type: ignore[import-untyped]

from models import ModelRegistry
from models.tts import LanguageRouter, Speech, TtsError
from models.tts.espeak import EspeakNg
from models.tts.festival import FestivalRussian, festival_safe
from models.tts.piper import PiperWorker
from models.tts.spec import SpeechRequest, SpokenText, tts_spec

EN_SHORT = "Hello, this is a short test."
RU_SHORT = "Привет, это короткая проверка."


# -- processes -------------------------------------------------------------------------------


def process_state(pid: int) -> str | None:
    """The kernel's state letter for ``pid`` ("Z": dead, not yet reaped), None if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def wait_until_dead(pid: int, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while process_state(pid) not in (None, "Z"):
        if time.monotonic() > deadline:
            raise AssertionError(f"process {pid} still alive {timeout_s} s after SIGKILL")
        time.sleep(0.01)


def piper_worker_pids() -> set[int]:
    """This process's children that run ``piper_worker.py``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and b"piper_worker.py" in command:
            found.add(int(entry.name))
    return found


def assert_speech(speech: Speech, rate: int) -> None:
    assert speech.sample_rate == rate
    assert speech.samples.dtype == np.float32
    assert speech.samples.ndim == 1 and speech.samples.size > 0
    assert 0.5 <= speech.duration_s <= 10.0, speech.duration_s
    assert float(np.abs(speech.samples).max()) <= 1.0
    assert float(np.abs(speech.samples).max()) > 0.05  # not silence


# -- fixtures: one process per engine for the module -----------------------------------------


@pytest.fixture(scope="module")
def piper() -> Iterator[PiperWorker]:
    worker = PiperWorker()
    yield worker
    worker.close()


@pytest.fixture(scope="module")
def festival() -> Iterator[FestivalRussian]:
    engine = FestivalRussian()
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def espeak() -> EspeakNg:
    return EspeakNg()


# -- every engine speaks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("engine", "text", "lang", "rate"),
    [
        ("piper", EN_SHORT, "en", 22_050),
        ("festival", RU_SHORT, "ru", 16_000),
        ("espeak", EN_SHORT, "en", 22_050),
        ("espeak", RU_SHORT, "ru", 22_050),
    ],
    ids=["piper-en", "festival-ru", "espeak-en", "espeak-ru"],
)
def test_engine_speaks(
    request: pytest.FixtureRequest, engine: str, text: str, lang: str, rate: int
) -> None:
    synthesizer = request.getfixturevalue(engine)
    assert_speech(synthesizer.synthesize(text, lang), rate)


# -- festival --------------------------------------------------------------------------------

# (case name, text, what festival_safe makes of it)
FESTIVAL_SAFE: list[tuple[str, str, str]] = [
    ("plain", "Привет, мир!", "Привет, мир!"),
    ("yo", "Ёлка", "Ёлка"),
    # Digits are normalise's job before any engine; festival cannot read them.
    ("digits", "Встреча в 7:30", "Встреча в"),
    ("latin-word", "Окей, ok!", "Окей, ок!"),
    ("latin-hyphenated", "Wi-Fi роутер", "ви-фи роутер"),
    ("spaced-hyphen", "раз - два", "раз, два"),
    ("dashes", "раз — два – три", "раз, два, три"),
    ("dots", "Ну...да", "Ну, да"),
    ("ellipsis", "Ну… да", "Ну, да"),
    ("hyphenated", "мама-папа", "мама-папа"),
    ("quotes", '"цитата" и «ёлочки»', "цитата и ёлочки"),
    ("quote-before-comma", "Он сказал «да», и ушёл.", "Он сказал да, и ушёл."),
    ("bracket-before-dot", "Купи хлеб (белый).", "Купи хлеб белый."),
    ("everything", "Привет — это «тест»… ok", "Привет, это тест, ок"),
    ("edge-hyphens", "-тире-", "тире"),
    ("emoji", "эмодзи 😀 тут", "эмодзи тут"),
    ("scheme-quote-backslash", 'кавычка " и \\ слэш', "кавычка и слэш"),
    ("nothing-left", "100%", ""),
]
# What festival's Russian letter-to-sound rules read: Cyrillic words (hyphens inside), each
# with its punctuation attached. A token of punctuation alone makes festival fail.
_SAYABLE_TOKEN = re.compile(r"[а-яё]+(?:-[а-яё]+)*[.,!?;:]*", re.IGNORECASE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [pytest.param(text, expected, id=name) for name, text, expected in FESTIVAL_SAFE],
)
def test_festival_safe(text: str, expected: str) -> None:
    safe = festival_safe(text)
    assert safe == expected
    assert all(_SAYABLE_TOKEN.fullmatch(token) for token in safe.split()), safe
    assert festival_safe(safe) == safe


def test_festival_reads_every_cleaned_text(festival: FestivalRussian) -> None:
    for _, text, expected in FESTIVAL_SAFE:
        if expected:
            speech = festival.synthesize(text, "ru")
            assert speech.duration_s > 0.3, text


def test_festival_refuses_text_without_russian(festival: FestivalRussian) -> None:
    with pytest.raises(TtsError, match="nothing festival can read"):
        festival.synthesize("100% 42", "ru")


def test_festival_does_not_stop_mid_sentence(festival: FestivalRussian) -> None:
    # Festival's Russian rules cannot read the dash, quotes, ellipsis or Latin word; what
    # festival_safe leaves of them must be read to the end, like the hand-cleaned sentence.
    messy = festival.synthesize("Привет — это «тест»… ok", "ru")
    clean = festival.synthesize("Привет, это тест, ок", "ru")
    first_word = festival.synthesize("Привет", "ru")
    assert messy.duration_s == pytest.approx(clean.duration_s, rel=0.15)
    assert messy.duration_s > 1.8 * first_word.duration_s


def test_festival_process_survives_many_requests(festival: FestivalRussian) -> None:
    pid = festival.pid
    assert pid is not None
    for number in range(1, 21):
        speech = festival.synthesize(f"Это сообщение номер {num2words(number, lang='ru')}.", "ru")
        assert speech.duration_s > 0.5
    assert festival.pid == pid


def test_killed_festival_is_restarted(festival: FestivalRussian) -> None:
    pid = festival.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    wait_until_dead(pid)
    assert_speech(festival.synthesize(RU_SHORT, "ru"), 16_000)
    assert festival.pid not in (None, pid)


# -- Piper's worker --------------------------------------------------------------------------


def test_killed_piper_worker_is_restarted(piper: PiperWorker) -> None:
    pid = piper.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    wait_until_dead(pid)
    assert_speech(piper.synthesize(EN_SHORT, "en"), 22_050)
    assert piper.pid not in (None, pid)


@pytest.mark.parametrize("refused", ["\x00", "\ud800 hello"], ids=["nul", "surrogate"])
def test_refused_request_keeps_the_worker(piper: PiperWorker, refused: str) -> None:
    pid = piper.pid
    with pytest.raises(TtsError, match="Piper could not speak"):
        piper.synthesize(refused, "en")
    assert piper.pid == pid
    assert_speech(piper.synthesize(EN_SHORT, "en"), 22_050)
    assert piper.pid == pid


def test_closing_ends_the_worker() -> None:
    worker = PiperWorker()
    pid = worker.pid
    assert pid is not None and process_state(pid) not in (None, "Z")
    worker.close()
    assert worker.pid is None
    assert process_state(pid) is None


def test_wrong_python_says_to_run_make_install(tmp_path: Path) -> None:
    with pytest.raises(TtsError, match="make install"):
        PiperWorker(python=tmp_path / "no-such-venv" / "bin" / "python")


def test_sova_never_imports_piper(piper: PiperWorker) -> None:
    assert_speech(piper.synthesize(EN_SHORT, "en"), 22_050)
    assert "models.tts.piper" in sys.modules  # Sova's own client is loaded...
    loaded = [name for name in sys.modules if name == "piper" or name.startswith("piper.")]
    assert loaded == []  # ...the GPL package is not


# -- LanguageRouter --------------------------------------------------------------------------


def test_router_falls_back_to_espeak_when_piper_cannot_start() -> None:
    router = LanguageRouter(options={"piper": {"python": "/nonexistent/python"}})
    try:
        for _ in range(2):  # the second time, piper is known broken and not retried
            speech, engine = router.synthesize(EN_SHORT, "en")
            assert engine == "espeak-ng"
            assert_speech(speech, 22_050)
        state = router.started()
        assert state["espeak-ng"] == "running"
        assert "make install" in state["piper"]
        assert router.memory_mb() == 0.0  # espeak-ng holds no process between requests
    finally:
        router.close()


def test_router_rejects_unknown_engine() -> None:
    with pytest.raises(TtsError, match="unknown engine 'rhvoice'"):
        LanguageRouter(preference={"ru": ["rhvoice", "festival"]})


@pytest.mark.parametrize("text", ["", "   ", "😀", "**"])
def test_router_refuses_text_that_says_nothing(text: str) -> None:
    router = LanguageRouter()
    with pytest.raises(TtsError, match="nothing to say"):
        router.synthesize(text, "en")
    assert router.started() == {}  # no engine was started for nothing


@pytest.mark.parametrize(
    ("preference", "lang", "expected"),
    [
        (None, "en", ("piper", "espeak-ng")),
        (None, "ru", ("festival", "espeak-ng")),
        (None, "de", ("espeak-ng",)),
        ({"ru": ["festival"]}, "ru", ("festival", "espeak-ng")),
        ({"en": ["festival", "piper"]}, "en", ("festival", "piper", "espeak-ng")),
    ],
)
def test_espeak_is_the_last_resort(
    preference: dict[str, list[str]] | None, lang: str, expected: tuple[str, ...]
) -> None:
    assert LanguageRouter(preference).engines_for(lang) == expected


# -- through the model registry --------------------------------------------------------------


async def test_registry_serves_tts_and_closing_ends_piper() -> None:
    """Also ``LanguageRouter.memory_mb``: the registry's memory report is the router's."""
    before = piper_worker_pids()
    registry = ModelRegistry()
    registry.register(tts_spec("tts"))  # warms English: Piper's worker starts with the load
    try:
        russian = await registry.run("tts", SpeechRequest(RU_SHORT, "ru"))
        assert isinstance(russian, SpokenText)
        assert russian.engine == "festival"
        assert_speech(russian.speech, 16_000)
        english = await registry.run("tts", SpeechRequest(EN_SHORT, "en"))
        assert english.engine == "piper"
        assert_speech(english.speech, 22_050)
        router = await registry.get("tts")
        assert isinstance(router, LanguageRouter)
        assert router.started() == {"piper": "running", "festival": "running"}
        # Piper's worker is an onnxruntime voice, not a shell; the registry reports it.
        assert router.memory_mb() > 50.0
        [info] = registry.loaded()
        assert info.loaded and info.memory_mb is not None and info.memory_mb > 50.0
        started = piper_worker_pids() - before
        assert len(started) == 1
    finally:
        await registry.close()
    assert all(process_state(pid) is None for pid in started)
