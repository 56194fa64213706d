"""The last line of defence: log the failure and tell the user something useful."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent

from available_now.bot import alerts

logger = logging.getLogger(__name__)


async def on_error(event: ErrorEvent) -> bool:
    update = event.update
    logger.error(
        "update %s failed: %s", update.update_id, event.exception, exc_info=event.exception
    )
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(alerts.ERROR(), show_alert=True)
        elif update.message is not None and update.message.chat.type == "private":
            await update.message.answer(alerts.ERROR())
    except TelegramAPIError as error:
        logger.warning("could not tell the user about the failure: %s", error)
    return True


def build_router() -> Router:
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
