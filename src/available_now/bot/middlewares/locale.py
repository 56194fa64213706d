"""Chooses the language of every answer: the group's in groups, each person's in private."""

from __future__ import annotations

from typing import Any

from aiogram.types import Chat, TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware
from babel import Locale, UnknownLocaleError

from available_now.domain.users import UserAccount


def supported_locale(i18n: I18n, code: str | None) -> str | None:
    """The catalog that fits a language code such as Telegram's ``es`` or ``pt-br``, if any."""
    if not code:
        return None
    try:
        locale = Locale.parse(code.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError):
        return None
    available = (i18n.default_locale, *i18n.available_locales)
    for candidate in (str(locale), locale.language):
        if candidate in available:
            return candidate
    return None


class LocaleMiddleware(I18nMiddleware):
    """Group chats speak ``group_locale``; a person is answered in the language she chose with
    /language, else in her Telegram app's language when a catalog exists for it."""

    def __init__(self, i18n: I18n, *, group_locale: str) -> None:
        super().__init__(i18n, i18n_key=None, middleware_key="locale_middleware")
        self.group_locale = group_locale
        self.locales = frozenset((i18n.default_locale, *i18n.available_locales))

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        chat: Chat | None = data.get("event_chat")
        if chat is not None and chat.type in ("group", "supergroup"):
            return self.group_locale
        account: UserAccount | None = data.get("user")
        chosen = account.language if account is not None else None
        if chosen is not None and chosen in self.locales:
            return chosen
        telegram_user: User | None = data.get("event_from_user")
        code = telegram_user.language_code if telegram_user is not None else None
        return supported_locale(self.i18n, code) or self.i18n.default_locale
