"""``EmulatorServer``: a local Telegram Bot API with simulated users and a web chat page.

Sova's Telegram adapter (the unmodified aiogram client pointed at ``server.url``) talks to it
by long polling or webhook; people chat through the page at ``/``; tests drive the simulated
users, read what the bot sent, inject errors and measure call rates through this class.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.channels.emulator.bot_api import BotApi
from bot.channels.emulator.faults import ApiCall
from bot.channels.emulator.people import GROUP_CHAT_ID, Roster, SimUser
from bot.channels.emulator.state import CallbackAnswer, EmulatorState
from bot.channels.emulator.users import Update, UserSimulator
from bot.channels.emulator.web_chat import WebChat

# aiogram rejects tokens whose part before the colon is not a number (it is the bot's id).
DEFAULT_TOKEN = "7000000001:emulator-token"

MessagePredicate = Callable[[dict[str, Any]], bool]


class EmulatorServer:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        token: str = DEFAULT_TOKEN,
        data_dir: Path | None = None,
        bot_username: str = "sova_bot",
        users: tuple[SimUser, ...] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self._temp_dir: tempfile.TemporaryDirectory[str] | None = None
        if data_dir is None:
            self._temp_dir = tempfile.TemporaryDirectory(prefix="sova-emulator-")
            data_dir = Path(self._temp_dir.name)
        roster = Roster(users) if users else Roster()
        self.state = EmulatorState(
            token=token, bot_username=bot_username, data_dir=data_dir, roster=roster
        )
        self._api = BotApi(self.state)
        self._users = UserSimulator(self.state)
        self._web = WebChat(self.state, self._users)
        self._runner: web.AppRunner | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api.handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._api.handle_file)
        app.router.add_routes(self._web.routes())
        return app

    async def start(self) -> None:
        # Cancelling a handler when its client goes away ends abandoned long polls at once.
        self._runner = web.AppRunner(self.build_app(), handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        # With port 0 the OS picked a free port; report the real one in ``url``.
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        self._api.close()
        self._web.close()
        await self._api.webhook.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._temp_dir is not None:
            self._temp_dir.cleanup()
            self._temp_dir = None

    async def __aenter__(self) -> EmulatorServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """The base URL: give it to ``TelegramAPIServer.from_base``, or open it in a browser."""
        return f"http://{self.host}:{self.port}"

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def group_chat_id(self) -> int:
        return GROUP_CHAT_ID

    # --- the simulated users ---------------------------------------------------------------

    def user_sends_text(self, user_id: int, text: str, chat_id: int | None = None) -> Update:
        return self._users.sends_text(user_id, text, chat_id)

    def user_sends_voice(
        self,
        user_id: int,
        ogg_bytes: bytes,
        duration: int,
        chat_id: int | None = None,
        *,
        mime_type: str = "audio/ogg",
    ) -> Update:
        return self._users.sends_voice(user_id, ogg_bytes, duration, chat_id, mime_type=mime_type)

    def user_sends_photo(
        self, user_id: int, image: bytes, chat_id: int | None = None, *, caption: str = ""
    ) -> Update:
        return self._users.sends_photo(user_id, image, chat_id, caption=caption)

    def user_sends_document(
        self,
        user_id: int,
        data: bytes,
        file_name: str,
        mime_type: str | None = None,
        chat_id: int | None = None,
        *,
        caption: str = "",
    ) -> Update:
        return self._users.sends_document(
            user_id, data, file_name, mime_type, chat_id, caption=caption
        )

    def user_presses_button(
        self, user_id: int, message_id: int, data: str, chat_id: int | None = None
    ) -> Update:
        return self._users.presses_button(user_id, message_id, data, chat_id)

    # --- what the bot did ------------------------------------------------------------------

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages in ``chat_id``, oldest first, as Bot API Messages (edits applied)."""
        return [m.payload for m in self.state.history.messages(chat_id) if m.from_bot]

    def chat_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Every message in ``chat_id``, the users' and the bot's, oldest first."""
        return [m.payload for m in self.state.history.messages(chat_id)]

    async def wait_for_bot_message(
        self,
        chat_id: int,
        predicate: MessagePredicate | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the wait, as tests expect
        *,
        after_message_id: int = 0,
    ) -> dict[str, Any]:
        """The first bot message in ``chat_id`` after ``after_message_id`` that matches.

        Edits count: a message edited into a matching one is returned. Raises
        ``TimeoutError`` when none matches within ``timeout`` seconds.
        """
        history = self.state.history
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for message in self.bot_messages(chat_id):
                if message["message_id"] > after_message_id and (
                    predicate is None or predicate(message)
                ):
                    return message
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"no matching bot message in chat {chat_id} in {timeout}s")
            await history.changed.wait(remaining)

    def chat_action(self, chat_id: int) -> str | None:
        """The chat action (e.g. "typing") the bot is showing in ``chat_id`` right now."""
        action = self.state.history.action(chat_id)
        return action.action if action else None

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return list(self.state.callback_answers)

    @property
    def commands(self) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """setMyCommands' lists by (scope type, language code)."""
        return dict(self.state.commands)

    def pending_update_count(self) -> int:
        return len(self.state.updates)

    # --- faults and measurements -----------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error instead of running them.

        429 carries ``parameters.retry_after``; use 500/502 for transient server errors.
        """
        self.state.faults.fail_next(
            method, status=status, retry_after=retry_after, times=times, description=description
        )

    @property
    def calls(self) -> list[ApiCall]:
        """Every Bot API call so far, with ``time.monotonic()`` timestamps."""
        return list(self.state.call_log.calls)

    def calls_of(self, method: str) -> list[ApiCall]:
        return self.state.call_log.of(method)
