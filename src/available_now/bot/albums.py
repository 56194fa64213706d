"""One receipt per album: items arrive as separate updates, the model gets a single answer.

Telegram sends an album's items as separate updates and nothing marks the last one. The
receipt goes out after a short quiet (`ALBUM_QUIET_SECONDS`) following an item; an item that
arrives later still, on a busy bot, edits that same receipt to the new count instead of
sending another. So she sees her counts about a quarter of a second after her last item, and
never more than one receipt per album.

With one instance the items are tallied in memory. Behind a load balancer an album's items
may reach different instances, so `SharedMediaReceipts` tallies them in Redis and the
instance that received the latest item answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest

from available_now.bot.shared import KEY_PREFIX, redis_errors
from available_now.bot.wizard import keyboards, texts
from available_now.domain.profiles import MediaType
from available_now.services.profiles import MediaOutcome, MediaResult

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)

ALBUM_QUIET_SECONDS = 0.25
"""How long after an album's item the receipt waits for more. Items of one album reach the
bot within milliseconds of each other; a later one edits the receipt rather than adding one."""

ALBUM_KEPT_SECONDS = 60
"""How long an album's tally and receipt outlive its last item, for a straggler to update."""


@dataclass
class _Tally:
    refused: dict[MediaType, int] = field(default_factory=dict)
    duplicates: int = 0
    latest: MediaResult | None = None

    def note(self, media_type: MediaType, result: MediaResult) -> None:
        if result.outcome is MediaOutcome.FULL:
            self.refused[media_type] = self.refused.get(media_type, 0) + 1
        elif result.outcome is MediaOutcome.DUPLICATE:
            self.duplicates += 1
        if self.latest is None or (result.photos, result.videos) >= (
            self.latest.photos,
            self.latest.videos,
        ):
            self.latest = result

    def receipt(self, limits: tuple[int, int]) -> str:
        assert self.latest is not None
        return texts.media_receipt(
            self.latest.photos,
            self.latest.videos,
            limits,
            refused=self.refused,
            duplicates=self.duplicates,
        )


@dataclass
class _Album:
    tally: _Tally = field(default_factory=_Tally)
    items: int = 0
    receipt_id: int | None = None
    last_item: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


async def _answer(bot: Bot, chat_id: int, text: str, receipt_id: int | None) -> int | None:
    """Sends the receipt, or edits the one already sent; the receipt's message id."""
    if receipt_id is not None:
        try:
            await bot.edit_message_text(
                text,
                chat_id=chat_id,
                message_id=receipt_id,
                reply_markup=keyboards.media_controls(),
            )
            return receipt_id
        except TelegramBadRequest as error:
            if "not modified" in error.message:
                return receipt_id
            # She deleted it, or it cannot be edited: a new receipt instead.
        except TelegramAPIError as error:
            logger.warning("could not update a media receipt: %s", error)
            return receipt_id
    try:
        sent = await bot.send_message(chat_id, text, reply_markup=keyboards.media_controls())
    except TelegramAPIError as error:
        logger.warning("could not send a media receipt: %s", error)
        return None
    return sent.message_id


class MediaReceipts:
    """Answers an album's items with one receipt, sent after a short quiet and kept current.

    The media themselves are already stored when an item is recorded here; only the receipt
    lives in memory, so a restart at worst loses a status message, never a photo.
    """

    def __init__(self, delay: float = ALBUM_QUIET_SECONDS) -> None:
        self._delay = delay
        self._albums: dict[tuple[int, str], _Album] = {}
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
            single = _Tally()
            single.note(media_type, result)
            await _answer(bot, chat_id, single.receipt(limits), None)
            return
        now = time.monotonic()
        self._forget_older_than(now - ALBUM_KEPT_SECONDS)
        key = (chat_id, group_key)
        album = self._albums.pop(key, None) or _Album()
        self._albums[key] = album  # the dict stays in the order of the albums' latest items
        album.tally.note(media_type, result)
        album.items += 1
        album.last_item = now
        self._spawn(self._answer_when_quiet(bot, chat_id, album, album.items, limits))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _forget_older_than(self, moment: float) -> None:
        """Drop the albums whose latest item came before ``moment``: the oldest come first."""
        while self._albums:
            key, album = next(iter(self._albums.items()))
            if album.last_item >= moment:
                return
            del self._albums[key]

    async def _answer_when_quiet(
        self, bot: Bot, chat_id: int, album: _Album, items: int, limits: tuple[int, int]
    ) -> None:
        await asyncio.sleep(self._delay)
        if album.items != items:
            return  # a later item arrived: its own wait answers for all of them
        # Not cancelled by later items once here: a send in flight must record its id.
        async with album.lock:
            album.receipt_id = await _answer(
                bot, chat_id, album.tally.receipt(limits), album.receipt_id
            )

    async def close(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


class SharedMediaReceipts(MediaReceipts):
    """`MediaReceipts` whose albums are tallied in Redis, whichever instance gets each item.

    Each item is appended to the album's list; the instance that appended it waits the same
    quiet, and if the list still ends with its item (nobody appended since, wherever), it
    answers under the album's lock: from the whole list, by editing the receipt whose id is
    kept beside it, or by sending it and keeping its id. Two instances that both see their
    item last (one landed during the other's check) answer one after the other under the
    lock: one sends, the other edits to the same count, so one receipt goes out.
    """

    def __init__(self, redis: Redis, *, bot_id: int, delay: float = ALBUM_QUIET_SECONDS) -> None:
        super().__init__(delay)
        self._redis = redis
        self._redis_errors = redis_errors()
        self._bot_id = bot_id

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
        if group_key is not None:
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
            else:
                self._spawn(self._answer_if_last(bot, chat_id, key, int(length), limits))
                return
        # A single photo or video, or an album while Redis is down: answered by this instance.
        await super().record(
            bot,
            chat_id=chat_id,
            group_key=group_key,
            media_type=media_type,
            result=result,
            limits=limits,
        )

    async def _answer_if_last(
        self, bot: Bot, chat_id: int, key: str, length: int, limits: tuple[int, int]
    ) -> None:
        await asyncio.sleep(self._delay)
        receipt_key = f"{key}:receipt"
        try:
            if await self._redis.llen(key) != length:
                return  # a later item arrived: its instance answers for all of them
            async with self._redis.lock(f"{key}:lock", timeout=10, blocking_timeout=10):
                async with self._redis.pipeline(transaction=True) as pipe:
                    pipe.lrange(key, 0, -1)
                    pipe.get(receipt_key)
                    items, kept = await pipe.execute()
                tally = _Tally()
                for raw in items:
                    kind, outcome, photos, videos = raw.decode("ascii").split()
                    tally.note(
                        MediaType(kind),
                        MediaResult(MediaOutcome(outcome), int(photos), int(videos)),
                    )
                if tally.latest is None:
                    return
                receipt_id = await _answer(
                    bot, chat_id, tally.receipt(limits), int(kept) if kept else None
                )
                if receipt_id is not None:
                    await self._redis.set(receipt_key, receipt_id, ex=ALBUM_KEPT_SECONDS)
        except self._redis_errors as error:
            logger.warning("album tally unavailable (%s); no receipt", error.__class__.__name__)
