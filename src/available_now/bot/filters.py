"""Async filters for the checks routers make on every update.

aiogram runs synchronous filter callables, magic filters (`F.…`) included, in a worker thread
(`asyncio.to_thread`): a thread hop per check per update. These do the same checks on the
event loop.
"""

from __future__ import annotations

from typing import Any

from aiogram.enums import ChatType
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, InaccessibleMessage, Message, TelegramObject
from magic_filter import MagicFilter


class ChatTypeIs(Filter):
    """The chat the message (or the pressed button's message) is in has one of these types."""

    def __init__(self, *types: ChatType) -> None:
        self._types = frozenset(types)

    async def __call__(self, event: TelegramObject) -> bool:
        if isinstance(event, CallbackQuery):
            message = event.message
            if message is None or isinstance(message, InaccessibleMessage):
                return False
            return message.chat.type in self._types
        if isinstance(event, Message):
            return event.chat.type in self._types
        return False


class Magic(Filter):
    """A magic filter resolved on the event loop instead of in a thread."""

    def __init__(self, rule: MagicFilter) -> None:
        self._rule = rule

    async def __call__(self, event: TelegramObject) -> Any:
        return self._rule.resolve(event)


PRIVATE = ChatTypeIs(ChatType.PRIVATE)
GROUPS = ChatTypeIs(ChatType.GROUP, ChatType.SUPERGROUP)
