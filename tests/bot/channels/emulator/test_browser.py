"""The web chat page in a real headless Chromium, against a small aiogram bot.

Needs the ``playwright`` Python package and Debian's ``chromium`` (``/usr/bin/chromium``);
skipped when either is missing. ``SOVA_UPDATE_SCREENSHOTS=1`` also saves the final screen to
``docs/images/web-chat.png`` (not by default, so a test run leaves the work tree clean).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.channels.emulator import ANNA_USER_ID, EmulatorServer
from tests.bot.channels.emulator.echo_bot import running_echo_bot
from tests.bot.channels.emulator.media import png_image

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path(__file__).resolve().parents[4] / "docs" / "images" / "web-chat.png"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # A fake microphone that needs no permission prompt, for the voice-recording check.
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]

playwright_api = pytest.importorskip(
    "playwright.async_api", reason="the playwright package is not installed"
)
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and shutil.which("chromium") is None,
    reason="needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)",
)


@pytest.fixture
async def page() -> AsyncIterator[Any]:
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            context = await browser.new_context(
                viewport={"width": 420, "height": 860}, permissions=["microphone"]
            )
            yield await context.new_page()
        finally:
            await browser.close()


async def test_chat_in_the_browser(emulator: EmulatorServer, page: Any, tmp_path: Path) -> None:
    async with running_echo_bot(emulator):
        await page.goto(emulator.url + "/")
        await playwright_api.expect(page.locator("#user-picker")).to_have_value(
            str(ANNA_USER_ID)
        )
        await text_and_button(page)
        await files_and_photos(page, tmp_path)
        await voice_recording(page)
        await save_screenshot(page, tmp_path)

    sent = emulator.chat_messages(ANNA_USER_ID)
    [document] = [m["document"] for m in sent if "document" in m]
    assert (document["file_name"], document["mime_type"]) == ("заметки.txt", "text/plain")
    [voice] = [m["voice"] for m in sent if "voice" in m and m["from"]["id"] == ANNA_USER_ID]
    stored_voice = emulator.state.files.get(voice["file_id"])
    assert stored_voice is not None
    recorded = emulator.state.files.read(stored_voice)
    # Stored as the browser recorded it, and labelled accordingly.
    if voice["mime_type"] == "audio/ogg":
        assert recorded.startswith(b"OggS")
    else:
        assert voice["mime_type"] == "audio/webm"
        assert recorded.startswith(b"\x1a\x45\xdf\xa3")  # the EBML header of WebM
    assert voice["duration"] >= 1


async def text_and_button(page: Any) -> None:
    expect = playwright_api.expect
    await page.fill("#text-input", "Привет, Сова")
    await page.press("#text-input", "Enter")

    await expect(page.locator(".message.outgoing .text")).to_have_text("Привет, Сова")
    reply = page.locator(".message.incoming").first
    await expect(reply.locator(".text")).to_have_text("Эхо: Привет, Сова")
    await expect(reply.locator(".text b")).to_have_text("Привет, Сова")  # HTML kept

    await reply.get_by_role("button", name="Спасибо").click()
    await expect(reply.locator(".text").first).to_have_text("Эхо: Привет, Сова ✓")  # edited
    await expect(page.locator("#toast")).to_have_text("Рада помочь")


async def files_and_photos(page: Any, tmp_path: Path) -> None:
    expect = playwright_api.expect
    notes = tmp_path / "заметки.txt"
    notes.write_text("купить молоко", encoding="utf-8")
    await page.set_input_files("#file-input", str(notes))
    await expect(page.locator(".message.outgoing .document")).to_contain_text("заметки.txt")
    await expect(page.locator(".message.incoming .text").last).to_have_text(
        "Файл получен: заметки.txt"
    )

    photo = tmp_path / "owl.png"
    photo.write_bytes(png_image(64, 48))
    await page.set_input_files("#file-input", str(photo))
    await expect(page.locator(".message.outgoing img.photo")).to_have_count(1)
    await expect(page.locator(".message.incoming .text").last).to_have_text("Фото получено")


async def voice_recording(page: Any) -> None:
    expect = playwright_api.expect
    await page.click("#record-button")
    await expect(page.locator("#record-button.recording")).to_have_count(1)
    await page.wait_for_timeout(1200)
    await page.click("#record-button")
    await expect(page.locator(".message.outgoing audio")).to_have_count(1)
    await expect(page.locator(".message.incoming audio")).to_have_count(1)
    await expect(page.locator(".message.incoming .text").last).to_have_text("Голос получен")


async def save_screenshot(page: Any, tmp_path: Path) -> None:
    """End on a reply with a keyboard, and keep the picture when asked to."""
    expect = playwright_api.expect
    await page.fill("#text-input", "Напомни завтра в 9")
    await page.press("#text-input", "Enter")
    await expect(page.get_by_role("button", name="Спасибо")).to_have_count(1)
    await expect(page.locator("#toast")).to_be_hidden()
    shot = await page.screenshot(path=str(tmp_path / "web-chat.png"))
    assert shot.startswith(b"\x89PNG")
    if os.environ.get("SOVA_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        SCREENSHOT.write_bytes(shot)
