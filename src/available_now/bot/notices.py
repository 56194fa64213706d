"""The expiry worker's notices in the bot's words: `ListingNotifier` over Telegram.

The worker decides when to speak; this module decides what is said (`texts`, `keyboards`), in
whose language (the model's, each owner's, the group's), and sends it. A model's notice raises
Telegram's refusal to the notice sender, which retries it or gives it up; the other messages are
logged, never raised (`sending.notify`): the listing itself has already been dealt with.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import timedelta
from functools import partial

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from aiogram.types import InlineKeyboardMarkup

from available_now.bot import keyboards, texts
from available_now.bot.i18n import Languages
from available_now.bot.sending import notify
from available_now.bot.times import until as until_text
from available_now.config import Settings
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.domain.listings import ListingView
from available_now.services.users import UserService

NO_BUTTONS = InlineKeyboardMarkup(inline_keyboard=[])


class TelegramListingNotifier:
    def __init__(
        self,
        bot: Bot,
        settings: Settings,
        languages: Languages,
        users: UserService,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._bot = bot
        self._clock = clock
        self._languages = languages
        self._users = users
        self._owner_ids = tuple(settings.owner_ids)
        self._zone = settings.timezone
        self._durations = tuple(settings.listing_durations)

    async def _speaking_to(self, user_id: int) -> AbstractContextManager[None]:
        accounts = await self._users.accounts([user_id])
        return self._languages.speaking_to(accounts.get(user_id))

    async def listing_ended(self, listing: ListingView) -> None:
        with await self._speaking_to(listing.user_id):
            # A notice held up by an outage may arrive another day: the day is said then.
            until = until_text(listing.expires_at, self._zone, self._clock.now())
            text, buttons = texts.LISTING_EXPIRED(until=until), keyboards.after_listing()
        await self._bot.send_message(listing.user_id, text, reply_markup=buttons)

    async def listing_reminder(self, listing: ListingView, left: timedelta) -> None:
        with await self._speaking_to(listing.user_id):
            until = until_text(listing.expires_at, self._zone, self._clock.now())
            text = texts.listing_reminder(until, left)
            buttons = keyboards.listing_controls(self._durations)
        await self._bot.send_message(listing.user_id, text, reply_markup=buttons)

    async def post_up(self, listing: ListingView) -> None:
        with await self._speaking_to(listing.user_id):
            text, buttons = texts.POST_UP(), keyboards.listing_controls(self._durations)
        await self._bot.send_message(listing.user_id, text, reply_markup=buttons)

    async def post_failed(self, listing: ListingView) -> None:
        with await self._speaking_to(listing.user_id):
            text, buttons = texts.POST_FAILED(), keyboards.after_listing()
        await self._bot.send_message(listing.user_id, text, reply_markup=buttons)

    async def post_ended(self, chat_id: int, message_id: int) -> bool:
        """The post is a photo with a caption or a text message; try both edits."""
        with self._languages.speaking(self._languages.group):
            notice = texts.LISTING_ENDED_NOTICE()
        edits = (
            partial(self._bot.edit_message_caption, caption=notice),
            partial(self._bot.edit_message_text, text=notice),
        )
        for edit in edits:
            try:
                await edit(chat_id=chat_id, message_id=message_id, reply_markup=NO_BUTTONS)
            except TelegramRetryAfter:
                raise
            except TelegramAPIError:
                continue
            return True
        return False

    async def cleanup_failed(self, messages: Sequence[tuple[int, int]], error: str) -> None:
        owners = await self._users.accounts(self._owner_ids)
        for owner_id in self._owner_ids:
            with self._languages.speaking_to(owners.get(owner_id)):
                text = texts.cleanup_failed(list(messages), error)
                await notify(self._bot, owner_id, text)
