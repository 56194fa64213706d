"""Fixtures for end-to-end tests: the emulator with the target group, and the real bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from available_now.domain.clock import ManualClock
from telegram_sandbox import BotAPIEmulator, Clock
from telegram_sandbox.client import SimGroup

from .harness import BOT_USERNAME, GROUP_ID, InProcessBot, in_process_bot, settings_for


@pytest.fixture
def clock() -> ManualClock:
    """The one clock of a test: the emulator's and the in-process bot's."""
    return ManualClock()


@pytest.fixture
async def emulator(clock: ManualClock) -> AsyncIterator[BotAPIEmulator]:
    emu = BotAPIEmulator(bot_username=BOT_USERNAME, clock=Clock(clock))
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


@pytest.fixture
def group(emulator: BotAPIEmulator) -> SimGroup:
    return emulator.create_group(chat_id=GROUP_ID, title="Models", bot_is_admin=True)


@pytest.fixture
async def bot(
    emulator: BotAPIEmulator, group: SimGroup, database_url: URL, clock: ManualClock
) -> AsyncIterator[InProcessBot]:
    async with in_process_bot(settings_for(emulator, database_url), clock) as running:
        yield running


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path
