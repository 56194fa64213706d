"""What the instances of one bot share through Redis when `REDIS_URL` is set.

One client (one connection pool) per process serves Telegram's flood limits and the album
receipts; the conversation state has aiogram's Redis storage, with connections of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from limits.aio.storage import RedisStorage

if TYPE_CHECKING:
    from redis.asyncio import Redis

KEY_PREFIX = "available_now"
"""Every key the bot writes starts with this; the bot's id follows, so bots never mix."""


def connect(url: str) -> Redis:
    """A client for `REDIS_URL`; it connects on first use, so a start-up never blocks on it.

    The `redis` package is the optional extra `available-now[redis]`.
    """
    from redis.asyncio import Redis

    # A Redis that cannot be reached costs a send seconds, not minutes: it goes on without it.
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


def redis_errors() -> tuple[type[Exception], ...]:
    """What a failing Redis raises: each user of it catches these and goes on alone.

    Imported here, on first use, since `redis` is the optional extra."""
    from redis.exceptions import RedisError

    return (RedisError,)


def flood_storage(redis: Redis) -> RedisStorage:
    """The `limits` library's Redis storage, on the process's one connection pool."""
    return RedisStorage(
        "async+redis://",
        implementation="redispy",
        wrap_exceptions=True,  # a Redis error is a `limits.errors.StorageError`
        # Documented (":param connection_pool:"), though the options' annotation omits it.
        connection_pool=redis.connection_pool,  # type: ignore[arg-type]
        key_prefix=KEY_PREFIX,
    )


async def first_to_claim(redis: Redis, name: str, *, bot_id: int, seconds: int) -> bool:
    """True for exactly one instance within ``seconds``: for what one instance says for all,
    such as the start-up notice that the bot lacks its rights in the group."""
    claimed = await redis.set(f"{KEY_PREFIX}:once:{bot_id}:{name}", b"1", nx=True, ex=seconds)
    return bool(claimed)
