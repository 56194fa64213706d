"""The last line of defence: log the failure and tell the user something useful.

While the database is out of reach every update fails the same way; the person is told to try
again in a minute (in her app's language, since her account cannot be read) and the log gets one
line per update, not a traceback. Once the database is back the next update simply works.
"""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent, User

from available_now.bot import alerts
from available_now.bot.i18n import Languages
from available_now.services.outages import is_database_outage

logger = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, languages: Languages) -> bool:
    update = event.update
    outage = is_database_outage(event.exception)
    if outage:
        logger.warning(
            "update %s not handled: the database is unreachable (%s)",
            update.update_id,
            type(event.exception).__name__,
        )
    else:
        logger.error(
            "update %s failed: %s", update.update_id, event.exception, exc_info=event.exception
        )
    sender: User | None = None
    if update.callback_query is not None:
        sender = update.callback_query.from_user
    elif update.message is not None:
        sender = update.message.from_user
    locale = languages.for_account(None, sender.language_code if sender else None)
    with languages.speaking(locale):
        text = alerts.DATABASE_DOWN() if outage else alerts.ERROR()
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.message is not None and update.message.chat.type == "private":
            await update.message.answer(text)
    except TelegramAPIError as error:
        logger.warning("could not tell the user about the failure: %s", error)
    return True


def build_router() -> Router:
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
