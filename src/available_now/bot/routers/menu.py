"""The main menu's buttons."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InaccessibleMessage
from aiogram.utils.callback_answer import CallbackAnswer

from available_now.bot import keyboards, texts
from available_now.bot.callbacks import MenuAction, MenuCallback
from available_now.domain.users import UserAccount


async def show_menu(query: CallbackQuery, user: UserAccount) -> None:
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        return
    await query.message.edit_text(texts.main_menu(user), reply_markup=keyboards.main_menu())


async def show_help(query: CallbackQuery) -> None:
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        return
    await query.message.edit_text(texts.HELP_PRIVATE, reply_markup=keyboards.back_to_menu())


async def model_only(
    query: CallbackQuery, user: UserAccount, callback_answer: CallbackAnswer
) -> None:
    callback_answer.text = texts.COMING_SOON if user.is_approved else texts.NOT_APPROVED
    callback_answer.show_alert = True


def build_router() -> Router:
    router = Router(name="menu")
    router.callback_query.register(show_menu, MenuCallback.filter(F.action == MenuAction.HOME))
    router.callback_query.register(show_help, MenuCallback.filter(F.action == MenuAction.HELP))
    router.callback_query.register(
        model_only,
        MenuCallback.filter(
            F.action.in_({MenuAction.PROFILE, MenuAction.GO_LIVE, MenuAction.MY_LISTING})
        ),
    )
    return router
