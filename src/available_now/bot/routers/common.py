"""/start, /help and /cancel: they work in every chat and in every state."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup, Message

from available_now.bot import keyboards, texts
from available_now.bot.filters import GROUPS, PRIVATE
from available_now.bot.member_pace import MemberPace
from available_now.bot.routers.menu import help_for, show_menu
from available_now.config import Settings
from available_now.domain.listings import MessagePurpose
from available_now.domain.users import UserAccount
from available_now.services.access import AccessService
from available_now.services.listings import ListingService


async def start_in_group(
    message: Message,
    bot: Bot,
    listings: ListingService,
    member_pace: MemberPace,
    settings: Settings,
) -> None:
    """A short pointer to the private chat; it and the command are removed later."""
    me = await bot.me()
    markup = keyboards.open_private_chat(me.username or "")
    await _answer_in_group(message, listings, member_pace, settings, texts.START_IN_GROUP(), markup)


async def help_private(message: Message, user: UserAccount, access: AccessService) -> None:
    await message.answer(help_for(user, access), reply_markup=keyboards.back_to_menu())


async def help_group(
    message: Message, listings: ListingService, member_pace: MemberPace, settings: Settings
) -> None:
    await _answer_in_group(message, listings, member_pace, settings, texts.HELP_GROUP())


async def _answer_in_group(
    message: Message,
    listings: ListingService,
    member_pace: MemberPace,
    settings: Settings,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Answer briefly (once per member per 30 s); answer and command are cleaned up later."""
    ttl = timedelta(minutes=settings.available_list_ttl_minutes)
    asker = message.from_user
    if asker is None or await member_pace.allow(message.chat.id, asker.id):
        reply = await message.reply(text, reply_markup=markup)
        await listings.schedule_removal(
            message.chat.id, [reply.message_id], MessagePurpose.AVAILABLE_LIST, ttl
        )
        await listings.schedule_removal(
            message.chat.id, [message.message_id], MessagePurpose.COMMAND, ttl
        )
        return
    await listings.schedule_removal(
        message.chat.id, [message.message_id], MessagePurpose.COMMAND, timedelta(0)
    )


async def cancel(message: Message, state: FSMContext) -> None:
    if await state.get_state() is None:
        await message.answer(texts.NOTHING_TO_CANCEL())
        return
    await state.clear()
    await message.answer(texts.CANCELLED(), reply_markup=keyboards.back_to_menu())


def build_router() -> Router:
    router = Router(name="common")
    router.message.register(show_menu, CommandStart(), PRIVATE)
    router.message.register(start_in_group, CommandStart(), GROUPS)
    router.message.register(help_private, Command("help"), PRIVATE)
    router.message.register(help_group, Command("help"), GROUPS)
    router.message.register(cancel, Command("cancel"))
    return router
