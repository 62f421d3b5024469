"""The event bus: typed events between channels, the pipeline and plugins."""

from bot.bus.base import Bus, BusClosed, ErrorHook, Handler, HandlerTimeout, Subscription
from bot.bus.factory import create_bus
from bot.bus.memory import MemoryBus
from bot.bus.stats import SubscriptionStats

__all__ = [
    "Bus",
    "BusClosed",
    "ErrorHook",
    "Handler",
    "HandlerTimeout",
    "MemoryBus",
    "Subscription",
    "SubscriptionStats",
    "create_bus",
]
