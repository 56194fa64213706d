"""The bot serves one group, `TARGET_GROUP_ID`: in any other it says one line and leaves.

Anyone can add a bot to a group; a bot that answered there would show the community's
listings to strangers. So every update from another group or channel (a message, a command,
a button, the bot being added) stops here before anything else happens: the group gets one
line (in `GROUP_LANGUAGE`, at most once a minute; with the group's id when someone asked for it
with `/id`, or when no `TARGET_GROUP_ID` is set yet), the bot leaves, and the owners are told
with the group's title and id, at most once an hour per group, so someone adding it again and
again cannot flood them. Without `TARGET_GROUP_ID` every group is another group: the owners'
notice then tells them the id to set.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Any, Final

from aiogram import BaseMiddleware, Bot
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Chat, TelegramObject, Update

from available_now.bot import texts
from available_now.bot.i18n import Languages
from available_now.bot.middlewares import Handler
from available_now.bot.owners import OwnerNotices
from available_now.bot.sending import notify
from available_now.domain.clock import Clock

logger = logging.getLogger(__name__)

GOODBYE_INTERVAL: Final = timedelta(minutes=1)
"""The line is said once per group within this, however many updates arrive at once."""
OWNERS_INTERVAL: Final = timedelta(hours=1)
"""The owners hear of a group at most this often."""
REMEMBERED_GROUPS: Final = 1_000

_SHARED_CHATS: Final = frozenset({ChatType.GROUP, ChatType.SUPERGROUP, ChatType.CHANNEL})
_GONE: Final = frozenset({"left", "kicked"})


class _Recent:
    """When something was last done per chat, forgetting the oldest beyond a bound."""

    def __init__(self, interval: timedelta) -> None:
        self._interval = interval
        self._at: OrderedDict[int, datetime] = OrderedDict()

    def due(self, chat_id: int, now: datetime) -> bool:
        """True (and remembered as done now) unless it was done within the interval."""
        last = self._at.get(chat_id)
        if last is not None and now - last < self._interval:
            return False
        self._at[chat_id] = now
        self._at.move_to_end(chat_id)
        while len(self._at) > REMEMBERED_GROUPS:
            self._at.popitem(last=False)
        return True


class ForeignGroupGuard(BaseMiddleware):
    """Outer middleware on updates: another group's updates never reach a handler."""

    def __init__(
        self,
        target_group_id: int | None,
        languages: Languages,
        owners: OwnerNotices,
        clock: Clock,
    ) -> None:
        self._target = target_group_id
        self._languages = languages
        self._owners = owners
        self._clock = clock
        self._goodbyes = _Recent(GOODBYE_INTERVAL)
        self._reports = _Recent(OWNERS_INTERVAL)
        # One departure at a time: the goodbye must go out before the bot leaves, even when
        # two updates from the group (being added, and its service message) come together.
        self._departing = asyncio.Lock()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat: Chat | None = data.get("event_chat")
        if chat is None or chat.type not in _SHARED_CHATS or chat.id == self._target:
            return await handler(event, data)
        update = event if isinstance(event, Update) else None
        change = update.my_chat_member if update is not None else None
        if change is not None and change.new_chat_member.status in _GONE:
            return None  # it has left (or was removed): nothing more to do there
        message = update.message if update is not None else None
        asked_id = message is not None and _is_id_command(message.text or "")
        async with self._departing:
            await self._leave(data["bot"], chat, with_id=asked_id or self._target is None)
        return None

    async def _leave(self, bot: Bot, chat: Chat, *, with_id: bool) -> None:
        now = self._clock.now()
        if chat.type != ChatType.CHANNEL and self._goodbyes.due(chat.id, now):
            with self._languages.speaking(self._languages.group):
                goodbye = (
                    texts.FOREIGN_GROUP_GOODBYE_WITH_ID(chat_id=chat.id)
                    if with_id
                    else texts.FOREIGN_GROUP_GOODBYE()
                )
                await notify(bot, chat.id, goodbye)
        try:
            await bot.leave_chat(chat.id)
        except TelegramAPIError as error:
            # Most often it has already left, on an earlier update from the same group.
            logger.debug("leaving chat %s: %s", chat.id, error)
        if self._reports.due(chat.id, now):
            logger.warning("left chat %s: it is not TARGET_GROUP_ID", chat.id)
            title = chat.title or ""
            await self._owners.tell(bot, lambda: texts.left_foreign_group(title, chat.id))


def _is_id_command(text: str) -> bool:
    """`/id` or `/id@any_bot` (another bot's is as good a way to ask), with or without more."""
    word = text.split(maxsplit=1)[0] if text.strip() else ""
    return word.split("@", 1)[0].lower() == "/id"
