"""The bot's session closes at once on a plain-HTTP Bot API, and as aiogram does on HTTPS."""

from __future__ import annotations

import time

import pytest
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer

from available_now.bot.session import BotSession
from telegram_sandbox import BotAPIEmulator

pytestmark = pytest.mark.serial  # they measure a quarter of a second: alone, not in a crowd


async def test_a_session_to_a_plain_http_bot_api_closes_without_the_tls_wait() -> None:
    async with BotAPIEmulator(bot_username="available_now_bot") as emulator:
        session = BotSession(api=TelegramAPIServer.from_base(emulator.base_url))
        bot = Bot("123456789:AAE_session-token", session=session)
        me = await bot.get_me()  # a real request: the session holds an open connection
        assert me.username == "available_now_bot"
        started = time.monotonic()
        await session.close()
        assert time.monotonic() - started < 0.2  # aiogram alone waits 0.25 s
        assert session._session is None or session._session.closed


async def test_a_session_to_an_https_bot_api_keeps_aiograms_grace_for_tls() -> None:
    session = BotSession(api=TelegramAPIServer.from_base("https://api.telegram.org"))
    await session.create_session()  # opened, as by a first request
    started = time.monotonic()
    await session.close()
    assert time.monotonic() - started >= 0.25
