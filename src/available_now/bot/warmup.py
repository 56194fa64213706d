"""Start-up work that keeps per-update costs low."""

from __future__ import annotations

import gc
from typing import Any

from aiogram import methods
from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
from aiogram.methods.base import Response, TelegramMethod

from available_now.bot.answers import result_reader
from available_now.bot.lazy_types import build_hot_types, complete

_pinned: dict[Any, Any] = {}

HOT_METHODS = (
    methods.GetUpdates,
    methods.SendMessage,
    methods.SendPhoto,
    methods.SendMediaGroup,
    methods.EditMessageText,
    methods.EditMessageReplyMarkup,
    methods.AnswerCallbackQuery,
    methods.DeleteMessage,
)
"""The calls of every update and listing: their answers' models are built at start-up."""


def pin_response_models() -> None:
    """Build aiogram's `Response[T]` model for the hot Bot API methods once, and keep it;
    the others are kept from their first call on (`pin_responses_on_first_use`).

    aiogram asks for `Response[method.__returning__]` on every call; pydantic caches such
    parametrised classes only weakly, so under load they are garbage-collected and rebuilt,
    which measured at about a fifth of the bot's CPU time. Building all 185 up front, as
    before, built nearly every Telegram type too: seconds of start-up and tens of MB.
    """
    build_hot_types()
    for method in HOT_METHODS:
        _pin(method.__returning__)


def _pin(returning: Any) -> None:
    """Build what reads the answers of type `returning`: the types' own validators where
    `bot/answers.py` reads them, aiogram's `Response[T]` otherwise."""
    if returning in _pinned:
        return
    reader = result_reader(returning)
    _pinned[returning] = complete(Response[returning]) if reader is None else complete(reader.model)


async def pin_responses_on_first_use(
    make_request: NextRequestMiddlewareType[Any], bot: Any, method: TelegramMethod[Any]
) -> Response[Any]:
    """Outgoing-request middleware: a method's response model is built, with aiogram's
    types at hand (`lazy_types.complete`), before its first answer is read, and kept."""
    _pin(type(method).__returning__)
    return await make_request(bot, method)


def freeze_startup_objects() -> None:
    """Move everything allocated during start-up out of the garbage collector's sight.

    Long-lived objects (routers, models, pools) would otherwise be traversed by every full
    collection, which took about 200 ms under load.
    """
    gc.collect()
    gc.freeze()
