"""Bad input gets a clear answer and changes nothing; a failing plugin does not stop Sova."""

from __future__ import annotations

from sqlalchemy import select

from bot.config import Settings
from bot.storage import AuditRow, MessageRow
from plugins.reminders.tables import ReminderRow
from tests.e2e.harness import make_settings, running_sova


async def _messages(chat) -> list[MessageRow]:  # type: ignore[no-untyped-def]
    async with chat.app.db.session() as session:
        return list(await session.scalars(select(MessageRow).order_by(MessageRow.id)))


async def test_bad_inputs_get_clear_replies(settings: Settings) -> None:
    async with running_sova(settings) as chat:
        assert "Когда напомнить?" in await chat.say("напомни мне")
        assert "Хорошо, отменил." in await chat.say("отмена")
        assert "too long (10000 characters" in await chat.say("a" * 10_000)
        assert "The message is empty" in await chat.say("")
        assert "I don't know the command /frobnicate" in await chat.say("/frobnicate")
        async with chat.app.db.session() as session:
            assert list(await session.scalars(select(ReminderRow))) == []
        outcomes = [m.outcome for m in await _messages(chat)]
    assert outcomes == ["ok", "ok", "rejected", "rejected", "rejected"]


async def test_out_of_scope_goes_to_the_fallback(settings: Settings) -> None:
    async with running_sova(settings) as chat:
        answer = await chat.say("какая погода на марсе")
        assert "не понял" in answer.lower()
        [message] = await _messages(chat)
        assert message.outcome == "fallback" and message.intent is None


def _faulty_settings(tmp_path, nlu_cache):  # type: ignore[no-untyped-def]
    return make_settings(
        tmp_path,
        db_url=f"sqlite+aiosqlite:///{tmp_path / 'sova.db'}",
        nlu_cache=nlu_cache,
        plugins=("smalltalk", "account", "reminders", "tests.e2e.fixtures.faulty_plugin"),
        extra_env={"SOVA_BUS__STAGE_TIMEOUT_S": "1", "SOVA_ADMIN__USERS": "99"},
    )


async def test_a_raising_plugin_gets_a_polite_reply_and_an_error_record(
    tmp_path,
    nlu_cache,  # type: ignore[no-untyped-def]
) -> None:
    async with running_sova(_faulty_settings(tmp_path, nlu_cache)) as chat:
        assert "Sorry, something went wrong" in await chat.say("/boom")
        await chat.say("привет")  # now a Russian speaker: commands are answered in Russian
        assert "Извините, я думал слишком долго" in await chat.say("/slow")
        assert "ok still alive" in await chat.say("/ok still alive")
        boom, _, slow, ok = await _messages(chat)
    assert boom.outcome == "error" and "the plugin blew up" in (boom.error or "")
    assert slow.outcome == "timeout"
    assert ok.outcome == "ok"


async def test_admin_commands_are_refused_and_audited(tmp_path, nlu_cache) -> None:  # type: ignore[no-untyped-def]
    settings = _faulty_settings(tmp_path, nlu_cache)
    async with running_sova(settings, user_id=7) as chat:
        assert "for administrators only" in await chat.say("/secret")
    async with running_sova(settings, user_id=99) as chat:
        assert "the secret" in await chat.say("/secret")
        async with chat.app.db.session() as session:
            audit = list(await session.scalars(select(AuditRow).order_by(AuditRow.id)))
    assert [(a.actor_id, a.action) for a in audit] == [(7, "command.denied"), (99, "command")]


async def test_duplicate_message_is_processed_once(settings: Settings) -> None:
    from bot.events import InboundMessage

    async with running_sova(settings) as chat:
        message = InboundMessage(
            chat_id=7, user_id=7, channel="terminal", text="hello", external_update_id="u-1"
        )
        again = InboundMessage(
            chat_id=7, user_id=7, channel="terminal", text="hello", external_update_id="u-1"
        )
        await chat.app.submit(message)
        await chat.app.submit(again)
        await chat.wait_for("Hi")
        await chat.say("/help")
        rows = await _messages(chat)
    assert [r.text for r in rows] == ["hello", "/help"]
    assert chat.output.getvalue().count("Hi") == 1


async def test_a_sticker_or_photo_without_text_is_answered_not_ignored(settings: Settings) -> None:
    from bot.events import InboundMessage, MessageKind

    async with running_sova(settings) as chat:
        sticker = InboundMessage(chat_id=7, user_id=7, channel="terminal", kind=MessageKind.OTHER)
        await chat.app.submit(sticker)
        await chat.wait_for("I can't handle this kind of message yet")
        [message] = await _messages(chat)
    assert message.outcome == "rejected" and message.kind == "other"
