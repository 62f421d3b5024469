"""A local Telegram Bot API emulator with simulated users and a web chat page.

``EmulatorServer`` serves the Bot API subset Sova uses at ``/bot<token>/<method>`` (the real
aiogram client works against it), a chat page at ``/``, and a Python API for tests.
Run it alone with ``python -m bot.channels.emulator``.
"""

from bot.channels.emulator.faults import ApiCall
from bot.channels.emulator.people import DEFAULT_USERS, GROUP_CHAT_ID, SimUser
from bot.channels.emulator.server import DEFAULT_TOKEN, EmulatorServer
from bot.channels.emulator.state import CallbackAnswer

ADMIN_USER_ID = 1000
ANNA_USER_ID = 1001
BORIS_USER_ID = 1002

__all__ = [
    "ADMIN_USER_ID",
    "ANNA_USER_ID",
    "BORIS_USER_ID",
    "DEFAULT_TOKEN",
    "DEFAULT_USERS",
    "GROUP_CHAT_ID",
    "ApiCall",
    "CallbackAnswer",
    "EmulatorServer",
    "SimUser",
]
