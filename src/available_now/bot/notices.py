"""The expiry worker's notices in the bot's words: `ListingNotifier` over Telegram.

The worker decides when to speak; this module decides what is said (`texts`, `keyboards`), in
whose language (the model's, each owner's, the group's), and sends it. Telegram's refusals are
logged, never raised: a notice is a courtesy, the listing itself has already been dealt with.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardMarkup

from available_now.bot import keyboards, texts
from available_now.bot.i18n import Languages
from available_now.config import Settings
from available_now.domain.listings import ListingView, clock_time
from available_now.services.users import UserService

logger = logging.getLogger(__name__)

NO_BUTTONS = InlineKeyboardMarkup(inline_keyboard=[])


class TelegramListingNotifier:
    def __init__(
        self, bot: Bot, settings: Settings, languages: Languages, users: UserService
    ) -> None:
        self._bot = bot
        self._languages = languages
        self._users = users
        self._owner_ids = tuple(settings.owner_ids)
        self._zone = settings.timezone
        self._durations = tuple(settings.listing_durations)

    async def _speaking_to(self, user_id: int) -> AbstractContextManager[None]:
        accounts = await self._users.accounts([user_id])
        return self._languages.speaking_to(accounts.get(user_id))

    async def listing_ended(self, listing: ListingView) -> None:
        try:
            with await self._speaking_to(listing.user_id):
                await self._bot.send_message(
                    listing.user_id,
                    texts.LISTING_EXPIRED(until=clock_time(listing.expires_at, self._zone)),
                    reply_markup=keyboards.after_listing(),
                )
        except TelegramAPIError as error:
            logger.warning("could not tell %s the listing ended: %s", listing.user_id, error)

    async def listing_reminder(self, listing: ListingView, left: timedelta) -> None:
        try:
            with await self._speaking_to(listing.user_id):
                await self._bot.send_message(
                    listing.user_id,
                    texts.listing_reminder(clock_time(listing.expires_at, self._zone), left),
                    reply_markup=keyboards.listing_controls(self._durations),
                )
        except TelegramAPIError as error:
            logger.warning("could not remind %s: %s", listing.user_id, error)

    async def post_ended(self, chat_id: int, message_id: int) -> bool:
        """The post is a photo with a caption or a text message; try both edits."""
        with self._languages.speaking(self._languages.group):
            notice = texts.LISTING_ENDED_NOTICE()
        try:
            await self._bot.edit_message_caption(
                chat_id=chat_id,
                message_id=message_id,
                caption=notice,
                reply_markup=NO_BUTTONS,
            )
            return True
        except TelegramAPIError:
            pass
        try:
            await self._bot.edit_message_text(
                text=notice,
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=NO_BUTTONS,
            )
            return True
        except TelegramAPIError:
            return False

    async def cleanup_failed(self, messages: Sequence[tuple[int, int]], error: str) -> None:
        owners = await self._users.accounts(self._owner_ids)
        for owner_id in self._owner_ids:
            try:
                with self._languages.speaking_to(owners.get(owner_id)):
                    text = texts.cleanup_failed(list(messages), error)
                    await self._bot.send_message(owner_id, text)
            except TelegramAPIError as failure:
                logger.warning("could not tell owner %s: %s", owner_id, failure)
