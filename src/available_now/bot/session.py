"""The bot's HTTP session to the Bot API: aiogram's, with two costs taken out."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from available_now.bot.answers import read_answer


class BotSession(AiohttpSession):
    """aiogram's session, reading Telegram's answers with the types' own validators
    (`bot/answers.py`) and closed without a wait where none is needed.

    aiogram waits 250 ms after closing for TLS connections to shut down gracefully; a Bot
    API reached over plain HTTP (a local Bot API server, the emulator) has none to wait for.
    """

    def check_response(
        self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int, content: str
    ) -> Response[TelegramType]:
        answer = read_answer(method.__returning__, status_code, content, {"bot": bot})
        if answer is None:
            return super().check_response(bot, method, status_code, content)
        return answer

    async def close(self) -> None:
        if self.api.base.startswith("https:"):
            await super().close()
        elif self._session is not None and not self._session.closed:
            await self._session.close()
