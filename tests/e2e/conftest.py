"""Fixtures for end-to-end tests: the emulator with the target group, and the real bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from available_now.domain.clock import ManualClock
from telegram_sandbox import BotAPIEmulator, Clock
from telegram_sandbox.client import SimGroup
from telegram_sandbox.limits import RateLimits

from .harness import (
    BOT_USERNAME,
    GROUP_ID,
    OWNER_ID,
    QUICK_CHATS,
    SECOND_OWNER_ID,
    InProcessBot,
    in_process_bot,
    settings_for,
)


@pytest.fixture
def clock() -> ManualClock:
    """The one clock of a test: the emulator's and the in-process bot's."""
    return ManualClock()


@pytest.fixture
async def emulator(
    clock: ManualClock, request: pytest.FixtureRequest
) -> AsyncIterator[BotAPIEmulator]:
    """Telegram's flood limits; the pace within a chat only for `@pytest.mark.telegram_pace`."""
    paced = request.node.get_closest_marker("telegram_pace") is not None
    limits = RateLimits() if paced else QUICK_CHATS
    emu = BotAPIEmulator(bot_username=BOT_USERNAME, clock=Clock(clock), rate_limits=limits)
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
async def two_owner_bot(
    emulator: BotAPIEmulator, group: SimGroup, database_url: URL, clock: ManualClock
) -> AsyncIterator[InProcessBot]:
    """The bot with two owners, for what they may do at the same moment."""
    settings = settings_for(emulator, database_url, owner_ids=[OWNER_ID, SECOND_OWNER_ID])
    async with in_process_bot(settings, clock) as running:
        yield running


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path
