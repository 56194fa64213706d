"""Telling the owners (`OWNER_IDS`) something the bot noticed, each in their own language."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup

from available_now.bot.i18n import Languages
from available_now.bot.sending import notify
from available_now.services.users import UserService


class OwnerNotices:
    """One message per owner; a refusal (an owner who never opened the bot) is only logged."""

    def __init__(
        self, owner_ids: tuple[int, ...], languages: Languages, users: UserService
    ) -> None:
        self.owner_ids = owner_ids
        self._languages = languages
        self._users = users

    async def tell(
        self,
        bot: Bot,
        text: Callable[[], str],
        reply_markup: Callable[[], InlineKeyboardMarkup] | None = None,
    ) -> int:
        """Send ``text()`` (with ``reply_markup()``), built in each owner's language; how many
        received it."""
        owners = await self._users.accounts(self.owner_ids)
        delivered = 0
        for owner_id in self.owner_ids:
            with self._languages.speaking_to(owners.get(owner_id)):
                markup = reply_markup() if reply_markup is not None else None
                delivered += await notify(bot, owner_id, text(), markup)
        return delivered
