"""One receipt per album: items arrive as separate updates, the model gets a single answer.

With one instance the items are tallied in memory. Behind a load balancer an album's items
may reach different instances, so `SharedMediaReceipts` tallies them in Redis and the
instance that received the last item sends the receipt.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from available_now.bot.shared import KEY_PREFIX
from available_now.bot.wizard import keyboards, texts
from available_now.domain.profiles import MediaType
from available_now.services.profiles import MediaOutcome, MediaResult

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)


@dataclass
class _Pending:
    refused: dict[MediaType, int] = field(default_factory=dict)
    duplicates: int = 0
    latest: MediaResult | None = None
    task: asyncio.Task[None] | None = None


class MediaReceipts:
    """Debounces the answers to an album's items and sends one summary after the last item.

    The media themselves are already stored when an item is recorded here; only the receipt
    lives in memory, so a restart at worst loses a status message, never a photo.
    """

    def __init__(self, delay: float = 1.0) -> None:
        self._delay = delay
        self._pending: dict[tuple[int, str], _Pending] = {}

    async def record(
        self,
        bot: Bot,
        *,
        chat_id: int,
        group_key: str | None,
        media_type: MediaType,
        result: MediaResult,
        limits: tuple[int, int],
    ) -> None:
        if group_key is None:
            pending = _Pending()
            self._note(pending, media_type, result)
            await self._send(bot, chat_id, pending, limits)
            return
        key = (chat_id, group_key)
        pending = self._pending.setdefault(key, _Pending())
        self._note(pending, media_type, result)
        if pending.task is not None:
            pending.task.cancel()
        pending.task = asyncio.create_task(self._send_later(bot, key, limits))

    @staticmethod
    def _note(pending: _Pending, media_type: MediaType, result: MediaResult) -> None:
        if result.outcome is MediaOutcome.FULL:
            pending.refused[media_type] = pending.refused.get(media_type, 0) + 1
        elif result.outcome is MediaOutcome.DUPLICATE:
            pending.duplicates += 1
        if pending.latest is None or (result.photos, result.videos) >= (
            pending.latest.photos,
            pending.latest.videos,
        ):
            pending.latest = result

    async def _send_later(self, bot: Bot, key: tuple[int, str], limits: tuple[int, int]) -> None:
        await asyncio.sleep(self._delay)
        pending = self._pending.pop(key, None)
        if pending is not None:
            await self._send(bot, key[0], pending, limits)

    async def _send(
        self, bot: Bot, chat_id: int, pending: _Pending, limits: tuple[int, int]
    ) -> None:
        assert pending.latest is not None
        text = texts.media_receipt(
            pending.latest.photos,
            pending.latest.videos,
            limits,
            refused=pending.refused,
            duplicates=pending.duplicates,
        )
        try:
            await bot.send_message(chat_id, text, reply_markup=keyboards.media_controls())
        except TelegramAPIError as error:
            logger.warning("could not send a media receipt: %s", error)

    async def close(self) -> None:
        tasks = [p.task for p in self._pending.values() if p.task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


ALBUM_KEPT_SECONDS = 60
"""How long an album's tally outlives its last item in Redis if no instance could send it."""


class SharedMediaReceipts(MediaReceipts):
    """`MediaReceipts` whose albums are tallied in Redis, one list per album.

    Each item is appended to the album's list; the instance that appended it waits the same
    quiet second, and if the list still ends with its item (nobody appended since, wherever),
    it takes the list and deletes it in one transaction and sends the receipt. An item that
    lands between that check and the take is in the taken list, and its own instance then
    finds no list of the length it left, so exactly one receipt goes out.
    """

    def __init__(self, redis: Redis, *, bot_id: int, delay: float = 1.0) -> None:
        from redis.exceptions import RedisError  # the optional extra, present with a client

        super().__init__(delay)
        self._redis = redis
        self._redis_errors: tuple[type[Exception], ...] = (RedisError,)
        self._bot_id = bot_id
        self._tasks: set[asyncio.Task[None]] = set()

    async def record(
        self,
        bot: Bot,
        *,
        chat_id: int,
        group_key: str | None,
        media_type: MediaType,
        result: MediaResult,
        limits: tuple[int, int],
    ) -> None:
        if group_key is None:
            await super().record(
                bot,
                chat_id=chat_id,
                group_key=None,
                media_type=media_type,
                result=result,
                limits=limits,
            )
            return
        key = f"{KEY_PREFIX}:album:{self._bot_id}:{chat_id}:{group_key}"
        item = f"{media_type.value} {result.outcome.value} {result.photos} {result.videos}"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.rpush(key, item)
                pipe.expire(key, ALBUM_KEPT_SECONDS)
                length, _ = await pipe.execute()
        except self._redis_errors as error:
            # Redis is down: this instance's items get a receipt of their own, as alone.
            logger.warning("album tally unavailable (%s)", error.__class__.__name__)
            await super().record(
                bot,
                chat_id=chat_id,
                group_key=group_key,
                media_type=media_type,
                result=result,
                limits=limits,
            )
            return
        task = asyncio.create_task(self._send_if_last(bot, chat_id, key, int(length), limits))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send_if_last(
        self, bot: Bot, chat_id: int, key: str, length: int, limits: tuple[int, int]
    ) -> None:
        await asyncio.sleep(self._delay)
        try:
            if await self._redis.llen(key) != length:
                return  # a later item arrived (its instance answers), or the album is answered
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.lrange(key, 0, -1)
                pipe.delete(key)
                items, _ = await pipe.execute()
        except self._redis_errors as error:
            logger.warning("album tally unavailable (%s); no receipt", error.__class__.__name__)
            return
        if not items:
            return
        pending = _Pending()
        for raw in items:
            kind, outcome, photos, videos = raw.decode("ascii").split()
            self._note(
                pending,
                MediaType(kind),
                MediaResult(MediaOutcome(outcome), int(photos), int(videos)),
            )
        await self._send(bot, chat_id, pending, limits)

    async def close(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
