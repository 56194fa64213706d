"""Flood limits shared by several instances: two real aiogram bots, one budget.

Each "instance" is its own `Bot` with its own session and `OutgoingRateLimiter`, as in two
processes; they share a `limits` storage (Redis as in production, and the library's in-memory
storage, which behaves the same within one process). The emulator counts what reaches it with
Telegram's limits on real time: a private chat takes a burst of five, then one a second.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter
from limits.aio.storage import MemoryStorage, Storage

from available_now.bot import shared
from available_now.bot.ratelimit import (
    OutgoingRateLimiter,
    SharedFloodLimits,
    raising_flood_limits,
)
from available_now.launcher import free_port
from telegram_sandbox import BotAPIEmulator

# Sends are timed on real time against Telegram's pace: alone, after the parallel run.
pytestmark = pytest.mark.serial

CHAT = 5_000_000_001
GROUP = -1_001_234_567_890
SENDS = 6
"""Two instances with a burst of three each would put six in one second: over the five."""


@pytest.fixture
def bot_id() -> int:
    return secrets.randbelow(10**9) + 10**9


@pytest.fixture(params=["memory", "redis"])
async def storage(request: pytest.FixtureRequest) -> AsyncIterator[Storage]:
    if request.param == "memory":
        yield MemoryStorage()
        return
    redis = shared.connect(request.getfixturevalue("redis_url"))
    try:
        yield shared.flood_storage(redis)
    finally:
        await redis.aclose()


@pytest.fixture
async def emulator(bot_id: int) -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator(token=f"{bot_id}:AAE_shared-flood") as running:
        await running.user(CHAT, "Alice").send("/start")  # so the bot may write to her
        running.create_group(chat_id=GROUP, title="Models", bot_is_admin=True)
        yield running


def instance(emulator: BotAPIEmulator, flood: SharedFloodLimits | None) -> Bot:
    """One instance of the bot: a session of its own with its own limiter."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url))
    session.middleware(OutgoingRateLimiter(shared=flood))
    assert emulator.token is not None
    return Bot(emulator.token, session=session)


async def send_from_both(emulator: BotAPIEmulator, bots: list[Bot]) -> list[float]:
    """`SENDS` messages to one chat at once, alternating instances; when each got through."""
    started = time.monotonic()

    async def one(index: int) -> float:
        await bots[index % len(bots)].send_message(CHAT, f"message {index}")
        return time.monotonic() - started

    try:
        return sorted(await asyncio.gather(*(one(index) for index in range(SENDS))))
    finally:
        for bot in bots:
            await bot.session.close()


async def test_two_instances_sharing_a_budget_meet_no_429(
    emulator: BotAPIEmulator, storage: Storage, bot_id: int
) -> None:
    bots = [instance(emulator, SharedFloodLimits(storage, bot_id=bot_id)) for _ in range(2)]
    done = await send_from_both(emulator, bots)
    assert emulator.errors(429) == []
    assert len(emulator.calls("sendMessage")) == SENDS
    # Three at once (the private burst), the next three once that window has passed.
    assert done[2] < 1.0
    assert done[3] >= 2.9


async def test_two_instances_counting_alone_flood_the_chat(emulator: BotAPIEmulator) -> None:
    """The same sends without a shared budget: each instance thinks it may burst."""
    bots = [instance(emulator, None) for _ in range(2)]
    await send_from_both(emulator, bots)
    assert emulator.errors(429) != []


async def test_a_pause_one_instance_met_holds_the_others_workers(
    emulator: BotAPIEmulator, storage: Storage, bot_id: int
) -> None:
    first = SharedFloodLimits(storage, bot_id=bot_id)
    other = instance(emulator, SharedFloodLimits(storage, bot_id=bot_id))
    try:
        await first.hold(GROUP, 30)
        with raising_flood_limits(), pytest.raises(TelegramRetryAfter) as raised:
            await other.send_message(GROUP, "a listing")
        assert 25 <= raised.value.retry_after <= 30
        assert emulator.calls("sendMessage") == []
        # Another bot on the same storage has a budget of its own.
        assert await SharedFloodLimits(storage, bot_id=bot_id + 1).held_for(GROUP) == 0
    finally:
        await other.session.close()


async def test_without_redis_the_instances_send_under_their_own_limits(
    emulator: BotAPIEmulator, bot_id: int, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing listens where the Redis should be: sends go on, one line says so."""
    redis = shared.connect(f"redis://127.0.0.1:{free_port()}/0")
    bot = instance(emulator, SharedFloodLimits(shared.flood_storage(redis), bot_id=bot_id))
    try:
        with caplog.at_level(logging.WARNING, logger="available_now.bot.ratelimit"):
            for n in range(3):
                await bot.send_message(CHAT, f"message {n}")
    finally:
        await bot.session.close()
        await redis.aclose()
    assert len(emulator.calls("sendMessage")) == 3
    unavailable = [r for r in caplog.records if "shared flood limits unavailable" in r.message]
    assert len(unavailable) == 1
