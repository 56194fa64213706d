"""/language: anyone may choose the language the bot speaks with them in private."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from available_now.bot import alerts, keyboards, texts
from available_now.bot.callbacks import LanguageCallback
from available_now.bot.filters import PRIVATE
from available_now.bot.i18n import Languages, current_locale
from available_now.domain.users import UserAccount
from available_now.services.users import UserService


async def offer_languages(message: Message, languages: Languages) -> None:
    await message.answer(
        texts.CHOOSE_LANGUAGE(),
        reply_markup=keyboards.languages(languages.available, current=current_locale()),
    )


async def on_language(
    query: CallbackQuery,
    callback_data: LanguageCallback,
    callback_answer: CallbackAnswer,
    bot: Bot,
    user: UserAccount | None,
    users: UserService,
    languages: Languages,
) -> None:
    """The button's locale is checked against the catalogs: callback data is never trusted."""
    locale = callback_data.locale
    if user is None or locale not in languages.available:
        alerts.show(callback_answer, alerts.STALE_BUTTON())
        return
    await users.set_language(user.id, locale)
    with languages.speaking(locale):
        await bot.send_message(user.id, texts.LANGUAGE_SET(), reply_markup=keyboards.back_to_menu())


def build_router() -> Router:
    router = Router(name="language")
    router.message.register(offer_languages, Command("language"), PRIVATE)
    router.callback_query.register(on_language, LanguageCallback.filter(), PRIVATE)
    return router
