"""Telegram's flood limits, so a bot that floods a chat meets 429 in tests before production.

Limits (from Telegram's bot FAQ): about one message per second per chat with a short burst,
20 messages per minute per group and 30 messages per second overall.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(slots=True)
class TokenBucket:
    """Holds up to ``capacity`` tokens and refills ``rate`` tokens per second."""

    capacity: float
    rate: float
    tokens: float = field(default=-1.0)
    updated: float = 0.0

    def _refill(self, now: float) -> None:
        if self.tokens < 0:
            self.tokens = self.capacity
            self.updated = now
            return
        elapsed = max(now - self.updated, 0.0)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.updated = now

    def wait_time(self, now: float, cost: float = 1.0) -> float:
        """Seconds until ``cost`` tokens are available (0 when they are now)."""
        self._refill(now)
        missing = cost - self.tokens
        return 0.0 if missing <= 1e-9 else missing / self.rate

    def take(self, now: float, cost: float = 1.0) -> None:
        self._refill(now)
        self.tokens -= cost


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Numbers behind the limiter; the defaults follow Telegram's published limits."""

    chat_per_second: float = 1.0
    chat_burst: float = 5.0
    group_per_minute: float = 20.0
    global_per_second: float = 30.0


class RateLimiter:
    """Decides whether a send is allowed now or how long the bot must wait."""

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        enabled: bool = True,
        limits: RateLimits | None = None,
    ) -> None:
        self.clock = clock
        self.enabled = enabled
        self.limits = limits or RateLimits()
        self._chats: dict[int, TokenBucket] = {}
        self._groups: dict[int, TokenBucket] = {}
        self._global = TokenBucket(self.limits.global_per_second, self.limits.global_per_second)

    def reset(self) -> None:
        self._chats.clear()
        self._groups.clear()
        self._global = TokenBucket(self.limits.global_per_second, self.limits.global_per_second)

    def _buckets(self, chat_id: int, is_group: bool) -> list[TokenBucket]:
        limits = self.limits
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = TokenBucket(limits.chat_burst, limits.chat_per_second)
        buckets = [self._global, chat]
        if is_group:
            group = self._groups.get(chat_id)
            if group is None:
                group = self._groups[chat_id] = TokenBucket(
                    limits.group_per_minute, limits.group_per_minute / 60.0
                )
            buckets.append(group)
        return buckets

    def acquire(self, chat_id: int, *, is_group: bool) -> int | None:
        """Spend one send for ``chat_id``; return ``retry_after`` seconds when over a limit."""
        if not self.enabled:
            return None
        now = self.clock()
        buckets = self._buckets(chat_id, is_group)
        wait = max(bucket.wait_time(now) for bucket in buckets)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.take(now)
        return None
