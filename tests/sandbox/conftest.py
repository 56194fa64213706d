"""Fixtures: a fresh emulator per test and a real aiogram Bot connected to it over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from telegram_sandbox import BotAPIEmulator

TOKEN = "123456789:AAE_sandbox-token"
BOT_ID = 123456789

StartPolling = Callable[[Dispatcher], Awaitable[None]]


def make_bot(emulator: BotAPIEmulator, token: str = TOKEN) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url))
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode="HTML"))


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    emu = BotAPIEmulator(bot_username="available_now_bot")
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


@pytest.fixture
async def bot(emulator: BotAPIEmulator) -> AsyncIterator[Bot]:
    client = make_bot(emulator)
    try:
        yield client
    finally:
        await client.session.close()


@pytest.fixture
async def start_polling(bot: Bot) -> AsyncIterator[StartPolling]:
    """Start long polling for a dispatcher; stopped when the test ends."""
    running: list[tuple[Dispatcher, asyncio.Task[None]]] = []

    async def start(dispatcher: Dispatcher) -> None:
        task = asyncio.create_task(
            dispatcher.start_polling(
                bot, handle_signals=False, close_bot_session=False, polling_timeout=1
            )
        )
        running.append((dispatcher, task))
        await asyncio.sleep(0)

    yield start
    for dispatcher, task in running:
        with contextlib.suppress(RuntimeError):
            await dispatcher.stop_polling()
        await asyncio.wait_for(task, 5)
