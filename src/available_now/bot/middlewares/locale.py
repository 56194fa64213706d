"""Chooses the language of every answer: the group's in groups, each person's in private."""

from __future__ import annotations

from typing import Any

from aiogram.types import Chat, TelegramObject, User
from aiogram.utils.i18n import I18nMiddleware

from available_now.bot.i18n import Languages
from available_now.domain.users import UserAccount


class LocaleMiddleware(I18nMiddleware):
    """Sets the update's locale (aiogram's i18n context) from `Languages`' rules."""

    def __init__(self, languages: Languages) -> None:
        super().__init__(languages.i18n, i18n_key=None, middleware_key="locale_middleware")
        self.languages = languages

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        chat: Chat | None = data.get("event_chat")
        if chat is not None and chat.type in ("group", "supergroup"):
            return self.languages.group
        account: UserAccount | None = data.get("user")
        telegram_user: User | None = data.get("event_from_user")
        code = telegram_user.language_code if telegram_user is not None else None
        return self.languages.for_account(account, code)
