"""Channels connect Sova to people: terminal chat now; Telegram and its emulator next."""

from bot.channels.base import Channel, ChannelHost

__all__ = ["Channel", "ChannelHost"]
