"""/start, /settings and /forget through a real Sova."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.config import Settings
from bot.events import InboundMessage, MessageKind
from bot.storage import AuditRow, MessageRow, UserDirectory
from plugins.reminders.tables import ReminderRow
from tests.e2e.harness import Chat, running_sova


async def _press(chat: Chat, data: str, needle: str) -> None:
    press = InboundMessage(
        chat_id=7, user_id=7, channel="terminal", kind=MessageKind.CALLBACK, callback_data=data
    )
    await chat.app.submit(press)
    await chat.wait_for(needle)


async def test_start_offers_languages_and_settings_change_them(settings: Settings) -> None:
    async with running_sova(settings) as chat:
        start = await chat.say("/start")
        assert "[Русский]  [English]" in start
        await _press(chat, "account.lang:ru", "Язык: Русский")
        # From now on, commands and buttons are answered in the chosen language.
        await _press(chat, "account.tz:Asia/Yekaterinburg", "Часовой пояс: Asia/Yekaterinburg")
        await _press(chat, "account.voice:on", "Голосовые ответы включены.")
        user = await UserDirectory(chat.app.db).get(7)
        assert user is not None
        assert (user.lang, user.timezone) == ("ru", "Asia/Yekaterinburg")
        assert user.settings["voice_replies"] is True
        shown = await chat.say("/settings")
        assert "Asia/Yekaterinburg" in shown and "голосовые ответы — включены" in shown


async def test_forget_deletes_the_users_data_after_confirmation(settings: Settings) -> None:
    async with running_sova(settings) as chat:
        await chat.say("remind me tomorrow at 9 to call mom")
        assert "Delete everything" in await chat.say("/forget")
        await _press(chat, "account.forget:no", "I'm keeping everything")
        assert len(await chat.app.scheduler.jobs()) == 1
        await _press(chat, "account.forget:yes", "your data is deleted")
        assert await chat.app.scheduler.jobs() == []
        async with chat.app.db.session() as session:
            reminders = await session.scalar(select(func.count()).select_from(ReminderRow))
            messages = await session.scalar(select(func.count()).select_from(MessageRow))
            audit = list(await session.scalars(select(AuditRow.action)))
        assert reminders == 0 and messages == 0
        assert "user.forget" in audit
