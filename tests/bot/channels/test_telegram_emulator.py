"""The Telegram channel with the real aiogram client against the local Bot API emulator, over
real HTTP: receiving (polling and webhook), sending, files, groups, failures and rates."""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.channels.emulator import ANNA_USER_ID, BORIS_USER_ID, GROUP_CHAT_ID, EmulatorServer
from bot.channels.emulator.messages import new_message
from bot.channels.ratelimit import RateLimits
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_retry import DeliveryRejected, RetryPolicy
from bot.channels.telegram_webhook import WebhookOptions
from bot.events import Button, InboundMessage, MessageKind, OutboundReply

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + struct.pack(">II", 4, 3) + b"\x08\x02\x00\x00\x00"
FAST_RETRY = RetryPolicy(base_delay_s=0.05, max_delay_s=0.2)


class Host:
    """A ChannelHost that records what the channel submits."""

    def __init__(self) -> None:
        self.messages: list[InboundMessage] = []
        self._changed = asyncio.Condition()

    async def submit(self, message: InboundMessage) -> None:
        async with self._changed:
            self.messages.append(message)
            self._changed.notify_all()

    async def wait_for(self, count: int, within: float = 5.0) -> list[InboundMessage]:
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: len(self.messages) >= count)
        return list(self.messages)


Start = Callable[..., Awaitable[tuple[TelegramChannel, Host]]]


@pytest.fixture
async def emulator(tmp_path: Path) -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer(data_dir=tmp_path) as server:
        yield server


@pytest.fixture
async def start(emulator: EmulatorServer) -> AsyncIterator[Start]:
    channels: list[TelegramChannel] = []

    async def start_channel(
        host: Host | None = None, **options: Any
    ) -> tuple[TelegramChannel, Host]:
        options.setdefault("polling_timeout_s", 1)
        options.setdefault("retry", FAST_RETRY)
        channel = TelegramChannel(emulator.token, api_url=emulator.url, **options)
        host = host or Host()
        await channel.start(host)
        channels.append(channel)
        return channel, host

    yield start_channel
    for channel in channels:
        await channel.stop()


def reply(chat_id: int, text: str = "", **fields: Any) -> OutboundReply:
    return OutboundReply(chat_id=chat_id, user_id=chat_id, channel="telegram", text=text, **fields)


def sent_texts(emulator: EmulatorServer, chat_id: int) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in emulator.bot_messages(chat_id)]


# -- receiving -----------------------------------------------------------------------------


async def test_polling_hands_messages_to_the_host(emulator: EmulatorServer, start: Start) -> None:
    _, host = await start()
    update = emulator.user_sends_text(ANNA_USER_ID, "напомни через 5 минут позвонить маме")
    emulator.user_sends_text(BORIS_USER_ID, "/help@sova_bot")
    first, second = await host.wait_for(2)
    assert first.kind is MessageKind.TEXT
    assert first.text == "напомни через 5 минут позвонить маме"
    assert (first.chat_id, first.user_id, first.lang) == (ANNA_USER_ID, ANNA_USER_ID, "ru")
    assert first.external_update_id == str(update["update_id"])
    assert first.username == "anna" and first.display_name == "Anna"
    assert (second.kind, second.text, second.lang) == (MessageKind.COMMAND, "/help", "en")


class FailingOnceHost(Host):
    """Refuses the first message, as the app's bus does while it is stopping."""

    def __init__(self) -> None:
        super().__init__()
        self.refused = 0

    async def submit(self, message: InboundMessage) -> None:
        if not self.refused:
            self.refused += 1
            raise RuntimeError("bus is draining")
        await super().submit(message)


async def test_an_update_not_handed_on_is_fetched_again(
    emulator: EmulatorServer, start: Start
) -> None:
    channel, host = await start(host=FailingOnceHost())
    emulator.user_sends_text(ANNA_USER_ID, "не потеряйся")
    [message] = await host.wait_for(1, within=5)
    assert message.text == "не потеряйся"
    await channel.stop()
    assert emulator.pending_update_count() == 0  # confirmed on stop


async def test_voice_in_and_download(emulator: EmulatorServer, start: Start) -> None:
    channel, host = await start()
    ogg = b"OggS" + bytes(range(256)) * 8
    emulator.user_sends_voice(ANNA_USER_ID, ogg, duration=3)
    [message] = await host.wait_for(1)
    assert message.kind is MessageKind.VOICE
    assert message.attachment is not None
    assert (message.attachment.duration_s, message.attachment.size) == (3.0, len(ogg))
    assert message.attachment.mime_type == "audio/ogg"
    assert await channel.download(message.attachment) == ogg


async def test_photo_and_document_in(emulator: EmulatorServer, start: Start) -> None:
    channel, host = await start()
    emulator.user_sends_photo(ANNA_USER_ID, PNG, caption="что это?")
    emulator.user_sends_document(ANNA_USER_ID, b"a,b\n1,2\n", "data.csv", "text/csv")
    photo, document = await host.wait_for(2)
    assert (photo.kind, photo.text) == (MessageKind.PHOTO, "что это?")
    assert document.kind is MessageKind.DOCUMENT
    assert document.attachment is not None
    assert document.attachment.file_name == "data.csv"
    assert await channel.download(document.attachment) == b"a,b\n1,2\n"


async def test_group_chat_hears_only_what_is_addressed_to_it(
    emulator: EmulatorServer, start: Start
) -> None:
    channel, host = await start()
    bot_message_id = await channel.deliver(reply(GROUP_CHAT_ID, "Во сколько?"))
    assert bot_message_id is not None
    emulator.user_sends_text(ANNA_USER_ID, "просто болтаем", chat_id=GROUP_CHAT_ID)
    emulator.user_sends_text(ANNA_USER_ID, "/help@sova_bot", chat_id=GROUP_CHAT_ID)
    emulator.user_sends_text(BORIS_USER_ID, "@sova_bot remind me at 9", chat_id=GROUP_CHAT_ID)
    emulator.user_sends_text(BORIS_USER_ID, "/start@other_bot", chat_id=GROUP_CHAT_ID)
    # A reply to the bot's message (the emulator has no helper for replies yet).
    state = emulator.state
    original = state.history.get(GROUP_CHAT_ID, int(bot_message_id))
    assert original is not None
    answer = new_message(
        state.history.next_message_id(GROUP_CHAT_ID),
        state.roster.user(ANNA_USER_ID).to_api(),
        state.roster.chat(GROUP_CHAT_ID),
        text="в 9",
        reply_to_message=original.payload,
    )
    state.history.add(answer, from_bot=False)
    state.updates.push({"message": answer})
    emulator.user_sends_text(ANNA_USER_ID, "и ещё болтаем", chat_id=GROUP_CHAT_ID)
    emulator.user_sends_text(ANNA_USER_ID, "/ping", chat_id=GROUP_CHAT_ID)  # a marker: the end
    messages = await host.wait_for(4)
    await asyncio.sleep(0.2)
    assert [m.text for m in host.messages] == ["/help", "remind me at 9", "в 9", "/ping"]
    assert all(m.chat_type == "supergroup" for m in messages)


async def test_webhook_with_secret(emulator: EmulatorServer, start: Start) -> None:
    options = WebhookOptions(host="127.0.0.1", port=0, path="/tg", secret_token="s3cret-token")
    channel, host = await start(mode="webhook", webhook=options)
    webhook = channel.webhook
    assert webhook is not None
    await asyncio.wait_for(webhook.registered.wait(), 5)
    assert emulator.state.webhook.url == webhook.url
    emulator.user_sends_text(ANNA_USER_ID, "привет через вебхук")
    [message] = await host.wait_for(1)
    assert message.text == "привет через вебхук"

    body = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "text": "forged",
            "chat": {"id": 1, "type": "private"},
            "from": {"id": 1, "is_bot": False, "first_name": "X"},
        },
    }
    async with aiohttp.ClientSession() as http:
        for headers in ({"X-Telegram-Bot-Api-Secret-Token": "wrong"}, {}):
            async with http.post(webhook.url, json=body, headers=headers) as response:
                assert response.status == 401
    await asyncio.sleep(0.1)
    assert [m.text for m in host.messages] == ["привет через вебхук"]


async def test_button_press_is_a_callback_and_gets_answered(
    emulator: EmulatorServer, start: Start
) -> None:
    channel, host = await start()
    buttons = ((Button(text="Да", data="confirm:yes"), Button(text="Нет", data="confirm:no")),)
    message_id = await channel.deliver(reply(ANNA_USER_ID, "Удалить?", buttons=buttons))
    assert message_id is not None
    [shown] = emulator.bot_messages(ANNA_USER_ID)
    keyboard = shown["reply_markup"]["inline_keyboard"]
    assert [[b["callback_data"] for b in row] for row in keyboard] == [
        ["confirm:yes", "confirm:no"]
    ]

    emulator.user_presses_button(ANNA_USER_ID, int(message_id), "confirm:yes")
    [press] = await host.wait_for(1)
    assert press.kind is MessageKind.CALLBACK
    assert press.callback_data == "confirm:yes"
    assert press.external_message_id == message_id
    assert len(emulator.callback_answers) == 1

    edited_id = await channel.deliver(
        reply(ANNA_USER_ID, "Удалено ✓", edit_external_message_id=message_id)
    )
    assert edited_id == message_id
    [shown] = emulator.bot_messages(ANNA_USER_ID)
    assert shown["text"] == "Удалено ✓"
    assert "reply_markup" not in shown


# -- sending -------------------------------------------------------------------------------


async def test_edits_that_cannot_be_made(emulator: EmulatorServer, start: Start) -> None:
    channel, _ = await start()
    message_id = await channel.deliver(reply(BORIS_USER_ID, "Done"))
    # The same text again: Telegram says "not modified"; the message already shows it.
    same = await channel.deliver(reply(BORIS_USER_ID, "Done", edit_external_message_id=message_id))
    assert same == message_id
    # A message that is gone: the text is sent anew instead of being lost.
    fresh = await channel.deliver(reply(BORIS_USER_ID, "Later", edit_external_message_id="999"))
    assert fresh is not None and fresh != message_id
    assert sent_texts(emulator, BORIS_USER_ID) == ["Done", "Later"]


async def test_text_is_escaped_and_split(emulator: EmulatorServer, start: Start) -> None:
    channel, _ = await start(limits=RateLimits(chat_per_s=50, chat_burst=5))
    await channel.deliver(reply(ANNA_USER_ID, "if a < b && b > c then <b>not bold</b>"))
    long_text = "Это предложение для проверки. " * 300  # ~9000 characters
    last_id = await channel.deliver(reply(ANNA_USER_ID, long_text))
    messages = emulator.bot_messages(ANNA_USER_ID)
    assert messages[0]["text"] == "if a < b && b > c then <b>not bold</b>"
    assert "entities" not in messages[0]
    assert len(messages) == 4
    assert all(len(m["text"]) <= 4096 for m in messages[1:])
    assert " ".join(m["text"] for m in messages[1:]).split() == long_text.split()
    assert last_id == str(messages[-1]["message_id"])


async def test_files_out(emulator: EmulatorServer, start: Start, tmp_path: Path) -> None:
    channel, _ = await start(limits=RateLimits(chat_per_s=50, chat_burst=5))
    photo, voice, doc = tmp_path / "chart.png", tmp_path / "answer.ogg", tmp_path / "report.csv"
    photo.write_bytes(PNG)
    voice.write_bytes(b"OggS-voice")
    doc.write_bytes(b"x,y\n")
    await channel.deliver(
        reply(BORIS_USER_ID, "Chart & notes", kind="photo", file_path=str(photo))
    )
    await channel.deliver(reply(BORIS_USER_ID, kind="voice", file_path=str(voice)))
    long_caption = "Report line. " * 120  # longer than a caption may be
    await channel.deliver(reply(BORIS_USER_ID, long_caption, kind="document", file_path=str(doc)))
    sent_photo, sent_voice, sent_doc, rest = emulator.bot_messages(BORIS_USER_ID)
    assert sent_photo["caption"] == "Chart & notes" and "photo" in sent_photo
    assert "voice" in sent_voice and "caption" not in sent_voice
    assert sent_doc["document"]["file_name"] == "report.csv"
    assert len(sent_doc["caption"]) <= 1024
    assert (sent_doc["caption"] + " " + rest["text"]).split() == long_caption.split()


async def test_rejected_reply_raises_without_retrying(
    emulator: EmulatorServer, start: Start
) -> None:
    channel, _ = await start()
    emulator.fail_next(
        "sendMessage", status=403, description="Forbidden: bot was blocked by the user"
    )
    with pytest.raises(DeliveryRejected, match="blocked by the user"):
        await channel.deliver(reply(ANNA_USER_ID, "hello"))
    assert len(emulator.calls_of("sendMessage")) == 1


async def test_429_and_500s_are_retried_and_arrive_once_in_order(
    emulator: EmulatorServer, start: Start
) -> None:
    channel, _ = await start()
    emulator.fail_next("sendMessage", status=429, retry_after=1)
    emulator.fail_next("sendMessage", status=500, times=2)
    deliveries = [channel.deliver(reply(ANNA_USER_ID, f"part {i}")) for i in range(3)]
    await asyncio.gather(*deliveries)
    assert sent_texts(emulator, ANNA_USER_ID) == ["part 0", "part 1", "part 2"]
    calls = emulator.calls_of("sendMessage")
    assert [c.status for c in calls] == [429, 500, 500, 200, 200, 200]
    assert calls[1].at - calls[0].at >= 0.95  # retry_after was waited out
    assert channel.stats.retry_after == 1
    assert channel.stats.retries == 3
    assert channel.stats.failed == 0


async def test_one_chat_is_sent_at_most_one_per_second_after_a_burst(
    emulator: EmulatorServer, start: Start
) -> None:
    channel, _ = await start()  # Telegram's real limits
    for i in range(5):
        await channel.deliver(reply(ANNA_USER_ID, f"m{i}"))
    times = [c.at for c in emulator.calls_of("sendMessage")]
    # Within any T seconds at most the burst of 3 plus T: the 4th waits for the first
    # refill (1 s after the burst began), the 5th for the next one.
    assert times[2] - times[0] < 0.5
    assert times[3] - times[0] >= 0.95
    assert times[4] - times[3] >= 0.95
    for t in times:
        assert sum(1 for u in times if t <= u < t + 1.0) <= 3


async def test_group_rate_at_a_scaled_limit(emulator: EmulatorServer, start: Start) -> None:
    # 240/min is the group rule scaled 12x (a minute becomes 5 s); the shape is the same.
    limits = RateLimits(chat_per_s=100, chat_burst=3, group_per_min=240, group_burst=3)
    channel, _ = await start(limits=limits)
    await asyncio.gather(*(channel.deliver(reply(GROUP_CHAT_ID, f"g{i}")) for i in range(10)))
    assert sent_texts(emulator, GROUP_CHAT_ID) == [f"g{i}" for i in range(10)]
    times = sorted(c.at for c in emulator.calls_of("sendMessage"))
    per_second = (240 - 3) / 60  # the group bucket's refill: burst + refill ≤ the limit
    for t in times:  # never more than burst + rate·T in a window of T = 1 s
        assert sum(1 for u in times if t <= u < t + 1.0) <= 3 + per_second
    assert times[-1] - times[0] >= (10 - 3) / per_second - 0.1


# -- start-up and flood control --------------------------------------------------------------


async def test_optional_startup_calls_may_fail(emulator: EmulatorServer, start: Start) -> None:
    emulator.fail_next("deleteWebhook", status=500)
    emulator.fail_next("setMyCommands", status=400)
    _, host = await start(commands=[("help", "What I can do")])
    emulator.user_sends_text(ANNA_USER_ID, "всё равно работает")
    [message] = await host.wait_for(1)
    assert message.text == "всё равно работает"


async def test_commands_are_registered(emulator: EmulatorServer, start: Start) -> None:
    await start(commands=[("help", "What I can do"), ("/remind", "Set a reminder")])
    assert [c["command"] for c in emulator.commands[("default", "")]] == ["help", "remind"]


class SendingHost(Host):
    """A host with ``send`` (like ``Sova``): replies go through it, as the app records them."""

    def __init__(self) -> None:
        super().__init__()
        self.channel: TelegramChannel | None = None
        self.sent: list[OutboundReply] = []

    async def send(self, reply: OutboundReply) -> int:
        self.sent.append(reply)
        assert self.channel is not None
        await self.channel.deliver(reply)
        return len(self.sent)


async def test_flooding_user_is_slowed_down_with_one_notice(
    emulator: EmulatorServer, start: Start
) -> None:
    host = SendingHost()
    channel, _ = await start(host=host, flood_limit=3, flood_window_s=1.0)
    host.channel = channel
    for i in range(6):
        emulator.user_sends_text(ANNA_USER_ID, f"сообщение {i}")
    first = await host.wait_for(3)
    await asyncio.sleep(0.3)
    assert len(host.messages) == 3  # the rest are held
    messages = await host.wait_for(6, within=3)
    assert [m.text for m in messages] == [f"сообщение {i}" for i in range(6)]
    assert messages[3].ts > first[2].ts
    assert [r.text for r in host.sent] == ["Вы пишете очень быстро — отвечу по порядку."]
    assert sent_texts(emulator, ANNA_USER_ID) == ["Вы пишете очень быстро — отвечу по порядку."]
