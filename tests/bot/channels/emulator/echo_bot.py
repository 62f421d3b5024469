"""A tiny aiogram bot that answers through the emulator, standing in for Sova in page tests."""

from __future__ import annotations

import asyncio
import contextlib
import html
from collections.abc import AsyncIterator

from aiogram import Bot, Dispatcher, F, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.channels.emulator import EmulatorServer
from tests.bot.channels.emulator.conftest import make_bot

LIKE_KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="Спасибо", callback_data="thanks")]]
)


def echo_router() -> Router:
    router = Router()

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.bot.send_chat_action(message.chat.id, "typing")  # type: ignore[union-attr]
        await message.answer(
            f"Эхо: <b>{html.escape(message.text or '')}</b>",
            parse_mode="HTML",
            reply_markup=LIKE_KEYBOARD,
        )

    @router.message(F.document)
    async def got_document(message: Message) -> None:
        name = message.document.file_name if message.document else "?"
        await message.answer(f"Файл получен: {name}")

    @router.message(F.photo)
    async def got_photo(message: Message) -> None:
        await message.answer("Фото получено")

    @router.message(F.voice)
    async def got_voice(message: Message) -> None:
        # Send the same recording back by file_id, as a voice reply to play on the page.
        if message.voice is not None:
            await message.answer_voice(message.voice.file_id, caption="Голос получен")

    @router.callback_query(F.data == "thanks")
    async def thanked(query: CallbackQuery) -> None:
        await query.answer("Рада помочь")
        if isinstance(query.message, Message):
            await query.message.edit_text(f"{query.message.text} ✓")

    return router


@contextlib.asynccontextmanager
async def running_echo_bot(emulator: EmulatorServer) -> AsyncIterator[Bot]:
    """Run the echo bot by long polling (as Sova's adapter will) until the block ends."""
    bot = make_bot(emulator)
    dispatcher = Dispatcher()
    dispatcher.include_router(echo_router())
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, polling_timeout=1, handle_signals=False)
    )
    try:
        yield bot
    finally:
        await dispatcher.stop_polling()
        await polling
