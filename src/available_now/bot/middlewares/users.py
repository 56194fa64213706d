"""Keeps `users` in step with whoever sent the update and hands the account to handlers."""

from __future__ import annotations

from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from available_now.bot.middlewares import Handler
from available_now.domain.users import TelegramIdentity
from available_now.services.users import UserService


class UserRegistrationMiddleware(BaseMiddleware):
    """Handlers receive `user: UserAccount` (None only for updates without a human sender)."""

    def __init__(self, users: UserService) -> None:
        self._users = users

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        telegram_user: User | None = data.get("event_from_user")
        if telegram_user is None or telegram_user.is_bot:
            data["user"] = None
            return await handler(event, data)
        identity = TelegramIdentity(
            id=telegram_user.id,
            username=telegram_user.username,
            first_name=telegram_user.first_name,
            last_name=telegram_user.last_name,
            language_code=telegram_user.language_code,
        )
        data["user"] = await self._users.register_seen(identity)
        return await handler(event, data)
