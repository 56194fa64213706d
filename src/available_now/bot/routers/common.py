"""/start, /help and /cancel: they work in every chat and in every state."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from available_now.bot import keyboards, texts
from available_now.domain.users import UserAccount

router = Router(name="common")

PRIVATE = F.chat.type == ChatType.PRIVATE
GROUP = F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP})


@router.message(CommandStart(), PRIVATE)
async def start_private(message: Message, state: FSMContext, user: UserAccount) -> None:
    await state.clear()
    await message.answer(texts.main_menu(user), reply_markup=keyboards.main_menu())


@router.message(CommandStart(), GROUP)
async def start_in_group(message: Message, bot: Bot) -> None:
    me = await bot.me()
    await message.reply(
        texts.START_IN_GROUP, reply_markup=keyboards.open_private_chat(me.username or "")
    )


@router.message(Command("help"), PRIVATE)
async def help_private(message: Message) -> None:
    await message.answer(texts.HELP_PRIVATE, reply_markup=keyboards.back_to_menu())


@router.message(Command("help"))
async def help_group(message: Message) -> None:
    await message.reply(texts.HELP_GROUP)


@router.message(Command("cancel"))
async def cancel(message: Message, state: FSMContext) -> None:
    if await state.get_state() is None:
        await message.answer(texts.NOTHING_TO_CANCEL)
        return
    await state.clear()
    await message.answer(texts.CANCELLED, reply_markup=keyboards.back_to_menu())
