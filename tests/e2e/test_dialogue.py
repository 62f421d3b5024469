"""Forms: a missing slot is asked for, answered, corrected, cancelled, and survives a restart."""

from __future__ import annotations

from sqlalchemy import select

from bot.config import Settings
from plugins.reminders.tables import ReminderRow
from tests.e2e.harness import Chat, running_sova


async def _reminders(chat: Chat) -> list[ReminderRow]:
    async with chat.app.db.session() as session:
        return list(await session.scalars(select(ReminderRow)))


async def test_missing_slot_is_asked_and_answered(settings: Settings) -> None:
    async with running_sova(settings) as chat:
        assert "Когда напомнить?" in await chat.say("напомни мне позвонить маме")
        done = await chat.say("через 10 минут")
        assert "Хорошо, напомню" in done and "позвонить маме" in done
        [reminder] = await _reminders(chat)
        assert reminder.text == "позвонить маме"


async def test_both_slots_missing_are_asked_in_turn(settings: Settings) -> None:
    async with running_sova(settings) as chat:
        first = await chat.say("set a reminder")
        assert "When should I remind you?" in first or "What should I remind you" in first
        second = await chat.say("in 20 minutes" if "When" in first else "buy milk")
        third = await chat.say("buy milk" if "When" in first else "in 20 minutes")
        assert "OK, I'll remind you" in third, (first, second, third)
        assert len(await _reminders(chat)) == 1


async def test_correction_while_filling(settings: Settings) -> None:
    async with running_sova(settings) as chat:
        assert "О чём напомнить?" in await chat.say("напомни мне завтра в 7 утра")
        assert "О чём напомнить?" in await chat.say("нет, в 8 утра")
        done = await chat.say("полить цветы")
        assert "завтра в 08:00" in done, done


async def test_correction_after_the_action(settings: Settings) -> None:
    async with running_sova(settings) as chat:
        await chat.say("напомни мне завтра в 7 утра позвонить маме")
        fixed = await chat.say("нет, в 8")
        assert "Исправил" in fixed and "08:00" in fixed, fixed
        rows = await _reminders(chat)
        assert sorted(r.status for r in rows) == ["cancelled", "scheduled"]
        assert len(await chat.app.scheduler.jobs()) == 1


async def test_cancel_at_any_turn(settings: Settings) -> None:
    async with running_sova(settings) as chat:
        await chat.say("remind me to call the bank")
        assert "OK, cancelled." in await chat.say("cancel")
        assert await _reminders(chat) == []
        assert "nothing to cancel" in await chat.say("cancel")
        # The next message is a fresh start, not an answer to the old question.
        assert "Hi" in await chat.say("hello")


async def test_past_time_is_refused_and_asked_again(settings: Settings) -> None:
    async with running_sova(settings) as chat:
        answer = await chat.say("remind me yesterday at 5 to call mom")
        assert "That time has already passed" in answer
        assert "When should I remind you?" in answer
        assert await _reminders(chat) == []
        done = await chat.say("in 15 minutes")
        assert "call mom" in done


async def test_form_survives_a_restart(settings: Settings) -> None:
    async with running_sova(settings) as chat:
        assert "О чём напомнить?" in await chat.say("напомни мне через час")
    async with running_sova(settings) as chat:
        done = await chat.say("вынести мусор")
        assert "Хорошо, напомню" in done and "вынести мусор" in done


async def test_no_cancel_cancels_instead_of_filling_a_slot(settings: Settings) -> None:
    async with running_sova(settings) as chat:
        assert "When should I remind you?" in await chat.say("remind me to buy bread")
        assert "OK, cancelled." in await chat.say("no, cancel")
        assert "Когда напомнить?" in await chat.say("напомни мне купить хлеб")
        assert "Хорошо, отменил." in await chat.say("нет, отмена")
        assert await _reminders(chat) == []
