"""/start, /help and /cancel: they work in every chat and in every state."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from available_now.bot import keyboards, texts
from available_now.bot.filters import GROUPS, PRIVATE
from available_now.bot.routers.menu import help_for, show_menu
from available_now.domain.users import UserAccount
from available_now.services.access import AccessService


async def start_in_group(message: Message, bot: Bot) -> None:
    me = await bot.me()
    await message.reply(
        texts.START_IN_GROUP(), reply_markup=keyboards.open_private_chat(me.username or "")
    )


async def help_private(message: Message, user: UserAccount, access: AccessService) -> None:
    await message.answer(help_for(user, access), reply_markup=keyboards.back_to_menu())


async def help_group(message: Message) -> None:
    await message.reply(texts.HELP_GROUP())


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
    router.message.register(help_group, Command("help"))
    router.message.register(cancel, Command("cancel"))
    return router
