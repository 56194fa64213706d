"""A local Telegram Bot API emulator for end-to-end tests of the bot.

The real bot connects to :class:`BotAPIEmulator` over HTTP as to a local Bot API server;
tests script users and groups through :class:`SimUser` and :class:`SimGroup`.
"""

from __future__ import annotations

from .balancer import RoundRobinBalancer
from .client import Button, MessageView, SimChat, SimGroup, SimUser
from .clock import Clock
from .errors import ApiError
from .limits import RateLimiter, RateLimits
from .methods import CallbackAnswer
from .server import BotAPIEmulator, RecordedRequest, run_emulator

__all__ = [
    "ApiError",
    "BotAPIEmulator",
    "Button",
    "CallbackAnswer",
    "Clock",
    "MessageView",
    "RateLimiter",
    "RateLimits",
    "RecordedRequest",
    "RoundRobinBalancer",
    "SimChat",
    "SimGroup",
    "SimUser",
    "run_emulator",
]
