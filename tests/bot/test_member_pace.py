"""A member is answered in the group once every 30 s, by one instance or by several."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis

from available_now.bot import shared
from available_now.bot.member_pace import MEMBER_PACE, MemberPace, SharedMemberPace
from available_now.domain.clock import ManualClock

GROUP = -1_001_234_567_890
ANA, BEA = 5_000_000_001, 5_000_000_002


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = shared.connect(redis_url)
    try:
        yield client
    finally:
        await client.aclose()


def bot_id() -> int:
    """Each test its own bot, so its keys in the shared Redis are its own."""
    return secrets.randbelow(10**9) + 10**9


async def test_one_instance_answers_a_member_once_per_pace() -> None:
    clock = ManualClock(at=datetime(2026, 11, 30, 21, 0, tzinfo=UTC))
    pace = MemberPace(clock)

    assert await pace.allow(GROUP, ANA)
    assert not await pace.allow(GROUP, ANA)
    assert await pace.allow(GROUP, BEA)  # each member has her own pace
    clock.advance(MEMBER_PACE - timedelta(seconds=1))
    assert not await pace.allow(GROUP, ANA)
    clock.advance(timedelta(seconds=1))
    assert await pace.allow(GROUP, ANA)


async def test_instances_sharing_redis_keep_one_pace(redis: Redis) -> None:
    every = timedelta(seconds=1)
    bot = bot_id()
    first = SharedMemberPace(redis, bot_id=bot, every=every)
    second = SharedMemberPace(redis, bot_id=bot, every=every)

    assert await first.allow(GROUP, ANA)
    assert not await second.allow(GROUP, ANA)  # asked again, on the other instance
    assert not await first.allow(GROUP, ANA)
    assert await second.allow(GROUP, BEA)
    # Another bot on the same Redis keeps its own pace.
    assert await SharedMemberPace(redis, bot_id=bot_id(), every=every).allow(GROUP, ANA)
    await asyncio.sleep(1.2)
    assert await second.allow(GROUP, ANA)


async def test_without_redis_each_instance_keeps_the_pace_alone() -> None:
    unreachable = shared.connect("redis://127.0.0.1:9/0")  # nothing listens on port 9
    try:
        pace = SharedMemberPace(unreachable, bot_id=bot_id())
        assert await pace.allow(GROUP, ANA)
        assert not await pace.allow(GROUP, ANA)
    finally:
        await unreachable.aclose()
