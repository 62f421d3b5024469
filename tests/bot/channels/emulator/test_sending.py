"""What the bot sends: text with markup, inline keyboards, button presses, edits, actions."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
)

from bot.channels.emulator import ANNA_USER_ID, BORIS_USER_ID, GROUP_CHAT_ID, EmulatorServer

YES_NO = InlineKeyboardMarkup(
    inline_keyboard=[
        [
            InlineKeyboardButton(text="Да / Yes", callback_data="confirm:yes"),
            InlineKeyboardButton(text="Нет / No", callback_data="confirm:no"),
        ]
    ]
)


async def test_send_message_with_html_returns_text_and_entities(
    emulator: EmulatorServer, bot: Bot
) -> None:
    sent = await bot.send_message(ANNA_USER_ID, "Напомню <b>завтра</b> в 9:00", parse_mode="HTML")

    assert sent.text == "Напомню завтра в 9:00"
    assert sent.entities is not None
    [bold] = sent.entities
    assert (bold.type, bold.offset, bold.length) == ("bold", 8, 6)
    assert sent.from_user is not None and sent.from_user.is_bot
    assert emulator.bot_messages(ANNA_USER_ID)[0]["text"] == "Напомню завтра в 9:00"


async def test_malformed_html_is_rejected_like_telegram_does(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(ANNA_USER_ID, "<b>unclosed", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="Unsupported start tag"):
        await bot.send_message(ANNA_USER_ID, "<div>x</div>", parse_mode="HTML")


async def test_markdown_v2_needs_reserved_characters_escaped(bot: Bot) -> None:
    sent = await bot.send_message(ANNA_USER_ID, r"*Готово*\. Done\!", parse_mode="MarkdownV2")
    assert sent.text == "Готово. Done!"

    with pytest.raises(TelegramBadRequest, match="reserved"):
        await bot.send_message(ANNA_USER_ID, "Done.", parse_mode="MarkdownV2")


async def test_unknown_chat_and_empty_text_are_bad_requests(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(555, "hello")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(ANNA_USER_ID, "")


async def test_button_press_becomes_a_callback_query(emulator: EmulatorServer, bot: Bot) -> None:
    sent = await bot.send_message(ANNA_USER_ID, "Удалить напоминание?", reply_markup=YES_NO)
    assert isinstance(sent.reply_markup, InlineKeyboardMarkup)

    emulator.user_presses_button(ANNA_USER_ID, sent.message_id, "confirm:yes")
    [update] = await bot.get_updates(timeout=0)

    query = update.callback_query
    assert query is not None
    assert query.data == "confirm:yes"
    assert query.from_user.id == ANNA_USER_ID
    assert query.chat_instance
    assert isinstance(query.message, Message)
    assert query.message.message_id == sent.message_id
    assert query.message.chat.id == ANNA_USER_ID

    assert await bot.answer_callback_query(query.id, text="Удалено")
    assert [a.text for a in emulator.callback_answers] == ["Удалено"]
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query(query.id)  # a query is answered once


async def test_pressing_a_button_that_does_not_exist_is_a_test_error(
    emulator: EmulatorServer, bot: Bot
) -> None:
    sent = await bot.send_message(ANNA_USER_ID, "Choose", reply_markup=YES_NO)

    with pytest.raises(KeyError):
        emulator.user_presses_button(ANNA_USER_ID, sent.message_id, "confirm:maybe")


async def test_callback_data_over_64_bytes_is_rejected(bot: Bot) -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="я" * 33)]]
    )
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(ANNA_USER_ID, "too much data", reply_markup=markup)


async def test_edit_message_text_changes_the_stored_message(
    emulator: EmulatorServer, bot: Bot
) -> None:
    sent = await bot.send_message(ANNA_USER_ID, "Считаю…", reply_markup=YES_NO)

    edited = await bot.edit_message_text(
        text="Готово: <i>3</i>", chat_id=ANNA_USER_ID, message_id=sent.message_id,
        parse_mode="HTML",
    )

    assert isinstance(edited, Message)
    assert edited.text == "Готово: 3"
    assert edited.edit_date is not None
    [stored] = emulator.bot_messages(ANNA_USER_ID)
    assert stored["text"] == "Готово: 3"
    assert stored["entities"] == [{"type": "italic", "offset": 8, "length": 1}]
    assert "reply_markup" not in stored  # an edit without markup removes the keyboard
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            text="Готово: <i>3</i>", chat_id=ANNA_USER_ID, message_id=sent.message_id,
            parse_mode="HTML",
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(text="?", chat_id=ANNA_USER_ID, message_id=999)


async def test_reply_parameters_quote_the_users_message(
    emulator: EmulatorServer, bot: Bot
) -> None:
    update = emulator.user_sends_text(BORIS_USER_ID, "remind me", chat_id=GROUP_CHAT_ID)
    asked_id = update["message"]["message_id"]

    sent = await bot.send_message(
        GROUP_CHAT_ID, "When?", reply_parameters=ReplyParameters(message_id=asked_id)
    )

    assert sent.reply_to_message is not None
    assert sent.reply_to_message.text == "remind me"
    assert sent.message_id == asked_id + 1  # message ids count per chat
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(GROUP_CHAT_ID, "?", reply_to_message_id=999)


async def test_chat_action_shows_until_the_next_message(
    emulator: EmulatorServer, bot: Bot
) -> None:
    assert await bot.send_chat_action(ANNA_USER_ID, "typing")
    assert emulator.chat_action(ANNA_USER_ID) == "typing"

    await bot.send_message(ANNA_USER_ID, "done")

    assert emulator.chat_action(ANNA_USER_ID) is None
    with pytest.raises(TelegramBadRequest, match="action"):
        await bot.send_chat_action(ANNA_USER_ID, "dancing")


async def test_commands_are_stored_by_scope_and_language(
    emulator: EmulatorServer, bot: Bot
) -> None:
    commands = [BotCommand(command="help", description="Помощь")]

    assert await bot.set_my_commands(commands, language_code="ru")
    assert [c.command for c in await bot.get_my_commands(language_code="ru")] == ["help"]
    assert emulator.commands[("default", "ru")] == [{"command": "help", "description": "Помощь"}]

    assert await bot.delete_my_commands(language_code="ru")
    assert await bot.get_my_commands(language_code="ru") == []


async def test_wait_for_bot_message_sees_later_messages_and_edits(
    emulator: EmulatorServer, bot: Bot
) -> None:
    first = await bot.send_message(ANNA_USER_ID, "working")

    with pytest.raises(TimeoutError):
        await emulator.wait_for_bot_message(
            ANNA_USER_ID, lambda m: m.get("text") == "finished", timeout=0.2
        )
    await bot.edit_message_text(text="finished", chat_id=ANNA_USER_ID,
                                message_id=first.message_id)
    found = await emulator.wait_for_bot_message(
        ANNA_USER_ID, lambda m: m.get("text") == "finished", timeout=1
    )
    assert found["message_id"] == first.message_id
