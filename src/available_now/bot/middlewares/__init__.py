"""Middlewares that prepare what every handler receives as keyword arguments, or turn away
those a router is not for."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, TelegramObject

from available_now.bot import alerts

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
"""What aiogram hands a middleware to call next: the handler, or the next middleware."""


async def refuse(
    event: TelegramObject,
    data: dict[str, Any],
    text: str,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Say why nothing happened: a popup on a pressed button, a message to a typed command."""
    if isinstance(event, CallbackQuery):
        alerts.show(data["callback_answer"], text)
    elif isinstance(event, Message):
        await event.answer(text, reply_markup=reply_markup)
