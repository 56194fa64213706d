"""Only the owners named in OWNER_IDS reach the access decisions; anyone else is told so."""

from __future__ import annotations

from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from available_now.bot import alerts
from available_now.bot.middlewares import Handler, refuse
from available_now.domain.users import UserAccount
from available_now.services.access import AccessService


class OwnersOnlyMiddleware(BaseMiddleware):
    """Inner middleware: runs only when one of its router's handlers matched."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: UserAccount | None = data.get("user")
        access: AccessService = data["access"]
        if user is not None and access.is_owner(user.id):
            return await handler(event, data)
        await refuse(event, data, alerts.OWNERS_ONLY())
        return None
