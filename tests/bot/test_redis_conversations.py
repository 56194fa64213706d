"""With `REDIS_URL`, conversations live in Redis: they must not outlive the retention period."""

from __future__ import annotations

import secrets

import pytest
from aiogram.fsm.storage.base import StorageKey
from redis.asyncio import Redis

from available_now.bot.app import create_storage
from available_now.config import Settings
from available_now.db.database import Database

from ..data_key import TEST_KEY


async def test_a_conversation_in_redis_expires_with_the_history(
    redis_url: str, db: Database
) -> None:
    settings = Settings.model_validate(
        {
            "telegram_bot_token": "123456789:AAE_redis-test",
            "target_group_id": -100123,
            "redis_url": redis_url,
            "history_retention_days": 3,
            "data_encryption_key": TEST_KEY,
        }
    )
    storage = create_storage(settings, db)
    key = StorageKey(bot_id=secrets.randbelow(10**9), chat_id=42, user_id=42)
    client = Redis.from_url(redis_url)
    try:
        await storage.set_state(key, "wizard:about")
        await storage.set_data(key, {"step": "about"})
        keys = [k async for k in client.scan_iter(f"fsm:{key.bot_id}:*")]
        assert len(keys) == 2
        for stored in keys:
            ttl = await client.ttl(stored)
            assert 0 < ttl <= 3 * 24 * 3600
        await storage.set_state(key, None)
        await storage.set_data(key, {})
        assert [k async for k in client.scan_iter(f"fsm:{key.bot_id}:*")] == []
    finally:
        await client.aclose()
        await storage.close()


@pytest.fixture
def backend() -> str:
    return "sqlite"
