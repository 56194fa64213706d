"""The outbox worker's group posts in the bot's words: `GroupPublisher` over Telegram.

Posts and the living list are rendered in the group's language, with times in the group's
zone; Telegram's errors are raised unchanged for the worker to tell apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup, InputMediaPhoto

from available_now.bot import keyboards, texts
from available_now.bot.i18n import CURRENT, Languages
from available_now.bot.presenters import send_profile_card
from available_now.bot.sending import notify
from available_now.bot.times import until as until_text
from available_now.config import Settings
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.domain.limits import CAPTION_LIMIT, TEXT_LIMIT
from available_now.domain.listings import ListingView
from available_now.domain.profiles import ProfileView
from available_now.domain.rendering import AvailableEntry, render_available_list, render_profile
from available_now.services.outbox import LiveEntry
from available_now.services.users import UserService

NO_BUTTONS = InlineKeyboardMarkup(inline_keyboard=[])
NO_TEXT_TO_EDIT = "there is no text in the message to edit"


class TelegramGroupPublisher:
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
        self._zone = settings.timezone
        self._owner_ids = tuple(settings.owner_ids)

    async def _username(self) -> str:
        me = await self._bot.me()
        return me.username or ""

    async def post(self, listing: ListingView, profile: ProfileView) -> int:
        username = await self._username()
        with self._languages.speaking(self._languages.group):
            until = until_text(listing.expires_at, self._zone, self._clock.now())
            message = await send_profile_card(
                self._bot,
                listing.group_id,
                profile,
                reply_markup=keyboards.listing_post(username, profile),
                available_until=until,
            )
        return message.message_id

    async def redraw(self, listing: ListingView, profile: ProfileView) -> bool:
        """Her cover and caption, or her text, in place; False when a photo post has lost its
        photos (Telegram cannot turn a photo message back into text: it must be replaced)."""
        if listing.message_id is None:
            return True
        username = await self._username()
        with self._languages.speaking(self._languages.group):
            until = until_text(listing.expires_at, self._zone, self._clock.now())
            markup = keyboards.listing_post(username, profile)
            limit = CAPTION_LIMIT if profile.cover is not None else TEXT_LIMIT
            rendered = render_profile(
                profile, limit=limit, available_until=until, translator=CURRENT
            )
        try:
            if profile.cover is not None:
                # The cover itself may have changed (or a text post gained a photo).
                await self._bot.edit_message_media(
                    InputMediaPhoto(media=profile.cover.file_id, caption=rendered),
                    chat_id=listing.group_id,
                    message_id=listing.message_id,
                    reply_markup=markup,
                )
            else:
                await self._bot.edit_message_text(
                    text=rendered,
                    chat_id=listing.group_id,
                    message_id=listing.message_id,
                    reply_markup=markup,
                )
        except TelegramBadRequest as error:
            if NO_TEXT_TO_EDIT in error.message:
                return False
            if "not modified" not in error.message:
                raise
        return True

    async def _board_text(self, entries: Sequence[LiveEntry], total: int) -> str:
        username = await self._username()
        with self._languages.speaking(self._languages.group):
            return render_available_list(
                [
                    AvailableEntry(
                        name=entry.name,
                        services=entry.services,
                        expires_at=entry.expires_at,
                        profile_link=keyboards.profile_link(username, entry.link_token),
                    )
                    for entry in entries
                ],
                now=self._clock.now(),
                zone=self._zone,
                total=total,
                translator=CURRENT,
            )

    async def send_board(self, chat_id: int, entries: Sequence[LiveEntry], total: int) -> int:
        text = await self._board_text(entries, total)
        message = await self._bot.send_message(chat_id, text)
        return message.message_id

    async def edit_board(
        self, chat_id: int, message_id: int, entries: Sequence[LiveEntry], total: int
    ) -> None:
        text = await self._board_text(entries, total)
        await self._bot.edit_message_text(text=text, chat_id=chat_id, message_id=message_id)

    async def is_ours(self, chat_id: int, message_id: int) -> bool:
        """Only the bot's own messages can be edited by it: try taking the buttons off."""
        try:
            await self._bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=NO_BUTTONS
            )
        except TelegramBadRequest as error:
            return "not modified" in error.message
        return True

    async def delete(self, chat_id: int, message_id: int) -> None:
        await self._bot.delete_message(chat_id, message_id)

    async def stray_unresolved(self, chat_id: int, after_message_id: int) -> None:
        link = message_link(chat_id, after_message_id + 1)
        owners = await self._users.accounts(self._owner_ids)
        for owner_id in self._owner_ids:
            with self._languages.speaking_to(owners.get(owner_id)):
                text = texts.STRAY_POST(link=link)
            await notify(self._bot, owner_id, text)


def message_link(chat_id: int, message_id: int) -> str:
    """A link to a message in a supergroup, for its members (`t.me/c/<id>/<message>`)."""
    internal = str(-chat_id).removeprefix("100")
    return f"https://t.me/c/{internal}/{message_id}"
