"""The expiry worker's notices in the bot's words: `ListingNotifier` over Telegram.

The worker decides when to speak; this module decides what is said (`texts`, `keyboards`) and
sends it. Telegram's refusals are logged, never raised: a notice is a courtesy, the listing
itself has already been dealt with.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardMarkup

from available_now.bot import keyboards, texts
from available_now.config import Settings
from available_now.domain.listings import ListingView, clock_time

logger = logging.getLogger(__name__)

NO_BUTTONS = InlineKeyboardMarkup(inline_keyboard=[])


class TelegramListingNotifier:
    def __init__(self, bot: Bot, settings: Settings) -> None:
        self._bot = bot
        self._owner_ids = tuple(settings.owner_ids)
        self._zone = settings.timezone
        self._durations = tuple(settings.listing_durations)

    async def listing_ended(self, listing: ListingView) -> None:
        try:
            await self._bot.send_message(
                listing.user_id,
                texts.listing_expired(clock_time(listing.expires_at, self._zone)),
                reply_markup=keyboards.after_listing(),
            )
        except TelegramAPIError as error:
            logger.warning("could not tell %s the listing ended: %s", listing.user_id, error)

    async def listing_reminder(self, listing: ListingView, left: timedelta) -> None:
        try:
            await self._bot.send_message(
                listing.user_id,
                texts.listing_reminder(clock_time(listing.expires_at, self._zone), left),
                reply_markup=keyboards.listing_controls(self._durations),
            )
        except TelegramAPIError as error:
            logger.warning("could not remind %s: %s", listing.user_id, error)

    async def post_ended(self, chat_id: int, message_id: int) -> bool:
        """The post is a photo with a caption or a text message; try both edits."""
        try:
            await self._bot.edit_message_caption(
                chat_id=chat_id,
                message_id=message_id,
                caption=texts.ENDED_NOTICE,
                reply_markup=NO_BUTTONS,
            )
            return True
        except TelegramAPIError:
            pass
        try:
            await self._bot.edit_message_text(
                text=texts.ENDED_NOTICE,
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=NO_BUTTONS,
            )
            return True
        except TelegramAPIError:
            return False

    async def cleanup_failed(self, messages: Sequence[tuple[int, int]], error: str) -> None:
        text = texts.cleanup_failed(list(messages), error)
        for owner_id in self._owner_ids:
            try:
                await self._bot.send_message(owner_id, text)
            except TelegramAPIError as failure:
                logger.warning("could not tell owner %s: %s", owner_id, failure)
