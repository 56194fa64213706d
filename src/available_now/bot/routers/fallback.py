"""Whatever no other router took: a hint in private chats, silence in groups."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from available_now.bot import alerts, keyboards, texts
from available_now.bot.filters import PRIVATE
from available_now.domain.users import UserAccount


async def unknown_message(message: Message, user: UserAccount | None) -> None:
    approved = user is not None and user.is_approved
    await message.answer(texts.UNKNOWN_INPUT(), reply_markup=keyboards.main_menu(approved=approved))


async def unknown_button(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    alerts.show(callback_answer, alerts.STALE_BUTTON())


def build_router() -> Router:
    router = Router(name="fallback")
    router.message.register(unknown_message, PRIVATE)
    router.callback_query.register(unknown_button)
    return router
