"""How often a member may ask the bot something in the group: once every 30 seconds.

Asking again sooner gets nothing (the command is still removed), so one member cannot make
the bot fill the group or spend its minute's budget of messages. With several instances
(`REDIS_URL`), `SharedMemberPace` keeps the one pace for all of them.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from available_now.bot.shared import first_to_claim, redis_errors
from available_now.domain.clock import SYSTEM_CLOCK, Clock

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)

MEMBER_PACE = timedelta(seconds=30)
_REMEMBERED = 10_000


class MemberPace:
    """The pace, kept by this instance alone."""

    def __init__(self, clock: Clock = SYSTEM_CLOCK, *, every: timedelta = MEMBER_PACE) -> None:
        self._clock = clock
        self._every = every
        self._last: dict[tuple[int, int], datetime] = {}

    async def allow(self, chat_id: int, user_id: int) -> bool:
        """True (and remembered) when the member's last request is old enough."""
        now = self._clock.now()
        key = (chat_id, user_id)
        last = self._last.get(key)
        if last is not None and now - last < self._every:
            return False
        if len(self._last) >= _REMEMBERED:
            cutoff = now - self._every
            self._last = {k: v for k, v in self._last.items() if v > cutoff}
        self._last[key] = now
        return True


class SharedMemberPace(MemberPace):
    """The pace kept in Redis: a member's requests reaching different instances are answered
    once every 30 s all the same. While Redis cannot be reached, each instance keeps it alone."""

    def __init__(
        self,
        redis: Redis,
        *,
        bot_id: int,
        clock: Clock = SYSTEM_CLOCK,
        every: timedelta = MEMBER_PACE,
    ) -> None:
        super().__init__(clock, every=every)
        self._redis = redis
        self._redis_errors = redis_errors()
        self._bot_id = bot_id
        self._seconds = max(1, math.ceil(every.total_seconds()))

    async def allow(self, chat_id: int, user_id: int) -> bool:
        try:
            return await first_to_claim(
                self._redis, f"pace:{chat_id}:{user_id}", bot_id=self._bot_id, seconds=self._seconds
            )
        except self._redis_errors as error:
            logger.warning("member pace kept alone (%s)", error.__class__.__name__)
            return await super().allow(chat_id, user_id)
