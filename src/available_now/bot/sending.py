"""Messages the bot sends of its own accord, not as an answer: a refusal is logged, never raised.

The person may have blocked the bot or never started it; that must not undo what was already
done (a decision, an ended listing), so such a message is a courtesy.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import Response, TelegramMethod
from aiogram.types import InlineKeyboardMarkup

from available_now.db import per_update

logger = logging.getLogger(__name__)


async def notify(
    bot: Bot, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> bool:
    """Send ``text``; False, and a warning without the text, when Telegram refuses."""
    try:
        await bot.send_message(chat_id, text, reply_markup=reply_markup)
    except TelegramAPIError as error:
        logger.warning("could not message %s: %s", chat_id, error)
        return False
    return True


async def commit_before_speaking(
    make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
) -> Response[Any]:
    """Outgoing-request middleware: what the update wrote is committed before the person can
    see its outcome, so her next answer finds it (`db/per_update.py`)."""
    await per_update.commit_before_speaking()
    return await make_request(bot, method)
