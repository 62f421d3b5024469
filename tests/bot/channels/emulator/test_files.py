"""Uploads (multipart and file_id re-use), getFile and downloads through the real client."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, FSInputFile

from bot.channels.emulator import ANNA_USER_ID, BORIS_USER_ID, EmulatorServer
from tests.bot.channels.emulator.media import FAKE_OGG, png_image


async def download(bot: Bot, file_id: str) -> bytes:
    buffer = io.BytesIO()
    await bot.download(file_id, destination=buffer)
    return buffer.getvalue()


async def test_send_photo_upload_then_download_the_same_bytes(bot: Bot) -> None:
    image = png_image(5, 4)

    sent = await bot.send_photo(
        ANNA_USER_ID, BufferedInputFile(image, "chart.png"), caption="<b>График</b>",
        parse_mode="HTML",
    )

    assert sent.photo is not None
    [size] = sent.photo
    assert (size.width, size.height, size.file_size) == (5, 4, len(image))
    assert sent.caption == "График"
    assert sent.caption_entities is not None and sent.caption_entities[0].type == "bold"
    file = await bot.get_file(size.file_id)
    assert file.file_path is not None and file.file_path.startswith("photos/")
    assert await download(bot, size.file_id) == image


async def test_send_document_from_disk_keeps_name_and_type(tmp_path: Path, bot: Bot) -> None:
    report = tmp_path / "отчёт.pdf"
    report.write_bytes(b"%PDF-1.4 fake report")

    sent = await bot.send_document(BORIS_USER_ID, FSInputFile(report))

    assert sent.document is not None
    assert sent.document.file_name == "отчёт.pdf"
    assert sent.document.mime_type == "application/pdf"
    assert await download(bot, sent.document.file_id) == b"%PDF-1.4 fake report"


async def test_send_voice_then_reuse_its_file_id(emulator: EmulatorServer, bot: Bot) -> None:
    sent = await bot.send_voice(
        ANNA_USER_ID, BufferedInputFile(FAKE_OGG, "reply.ogg"), duration=3
    )
    assert sent.voice is not None
    assert sent.voice.duration == 3
    assert sent.voice.mime_type == "audio/ogg"
    assert sent.voice.file_size == len(FAKE_OGG)

    again = await bot.send_voice(BORIS_USER_ID, sent.voice.file_id)

    assert again.voice is not None
    assert again.voice.file_id == sent.voice.file_id
    assert emulator.bot_messages(BORIS_USER_ID)[0]["voice"]["file_id"] == sent.voice.file_id


async def test_send_audio_reports_its_metadata(bot: Bot) -> None:
    sent = await bot.send_audio(
        ANNA_USER_ID, BufferedInputFile(b"ID3 fake mp3", "song.mp3"), duration=61,
        title="Колыбельная", performer="Sova",
    )

    assert sent.audio is not None
    assert (sent.audio.title, sent.audio.performer, sent.audio.duration) == (
        "Колыбельная", "Sova", 61
    )
    assert sent.audio.mime_type == "audio/mpeg"


async def test_unknown_file_id_is_a_bad_request(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(ANNA_USER_ID, "no-such-file")
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("no-such-file")


async def test_user_voice_is_downloadable_by_the_bot(emulator: EmulatorServer, bot: Bot) -> None:
    emulator.user_sends_voice(ANNA_USER_ID, FAKE_OGG, duration=2)

    [update] = await bot.get_updates(timeout=0)

    assert update.message is not None and update.message.voice is not None
    voice = update.message.voice
    assert (voice.duration, voice.mime_type, voice.file_size) == (2, "audio/ogg", len(FAKE_OGG))
    assert await download(bot, voice.file_id) == FAKE_OGG


async def test_user_photo_and_document_arrive_with_their_files(
    emulator: EmulatorServer, bot: Bot
) -> None:
    image = png_image(7, 3)
    emulator.user_sends_photo(BORIS_USER_ID, image, caption="/scan")
    emulator.user_sends_document(BORIS_USER_ID, b"a,b\n1,2\n", "data.csv", "text/csv")

    photo_update, document_update = await bot.get_updates(timeout=0)

    assert photo_update.message is not None and photo_update.message.photo is not None
    assert photo_update.message.photo[-1].width == 7
    assert photo_update.message.caption == "/scan"
    assert photo_update.message.caption_entities is not None
    assert await download(bot, photo_update.message.photo[-1].file_id) == image
    document = document_update.message.document if document_update.message else None
    assert document is not None
    assert (document.file_name, document.mime_type) == ("data.csv", "text/csv")
    assert await download(bot, document.file_id) == b"a,b\n1,2\n"
