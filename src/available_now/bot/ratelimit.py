"""Paces the bot's outgoing messages so Telegram never has to flood-limit it.

Telegram lets a bot post about one message per second in a chat (private chats tolerate a short
burst), 20 per minute in a group and 30 per second overall, and answers anything beyond that
with 429 and a pause of its own choosing. Waiting a moment before a send costs less than that
pause, so every send waits here for its turn, and a 429 that still slips through is waited out
and retried.

Background workers must not wait like that: one chat's long pause would hold up every other
chat's work. Calls made inside `raising_flood_limits()` (and in tasks started there) still wait
for their turn, but a 429, or a pause still running from an earlier one, is raised to the
caller at once, which parks that chat's work until then and moves on.

Register it once per bot, on the session every request goes through::

    bot.session.middleware(OutgoingRateLimiter())

Several instances of the bot share Telegram's one count: with `SharedFloodLimits` (Redis, through
the `limits` library's moving windows) each send also takes its place in the budget every
instance draws on, and a 429 one instance meets holds the chat for all of them.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, TypeAlias

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import (
    CopyMessage,
    CopyMessages,
    ForwardMessage,
    ForwardMessages,
    SendAnimation,
    SendAudio,
    SendChecklist,
    SendContact,
    SendDice,
    SendDocument,
    SendGame,
    SendInvoice,
    SendLocation,
    SendMediaGroup,
    SendMessage,
    SendPaidMedia,
    SendPhoto,
    SendPoll,
    SendSticker,
    SendVenue,
    SendVideo,
    SendVideoNote,
    SendVoice,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response
    from limits.aio.storage import Storage

__all__ = [
    "SENDING_METHODS",
    "OutgoingRateLimiter",
    "SharedFloodLimits",
    "raising_flood_limits",
]

logger = logging.getLogger(__name__)

Clock: TypeAlias = Callable[[], float]
Sleep: TypeAlias = Callable[[float], Awaitable[object]]
ChatKey: TypeAlias = int | str

SENDING_METHODS: Final[tuple[type[TelegramMethod[Any]], ...]] = (
    SendMessage,
    SendPhoto,
    SendVideo,
    SendDocument,
    SendAnimation,
    SendAudio,
    SendVoice,
    SendVideoNote,
    SendSticker,
    SendMediaGroup,
    SendPaidMedia,
    SendLocation,
    SendVenue,
    SendContact,
    SendPoll,
    SendChecklist,
    SendDice,
    SendGame,
    SendInvoice,
    CopyMessage,
    CopyMessages,
    ForwardMessage,
    ForwardMessages,
)
"""Methods that post into a chat and so count against its flood limits (an album counts once,
as Telegram counts it). Everything else passes straight through."""

GROUP_WINDOW: Final = 60.0
"""The group limit is stated per minute."""

STORAGE_FAILURE_LOG_INTERVAL: Final = 60.0
"""Seconds between log lines while the shared flood limits' storage is unreachable."""

_RAISING: ContextVar[bool] = ContextVar("raising_flood_limits", default=False)


@contextmanager
def raising_flood_limits() -> Iterator[None]:
    """Inside the block, and in tasks created in it, flood limits are raised, never waited out.

    Pacing still applies (a send waits for its turn, a second at most); only Telegram's own
    pauses, which can last minutes, come back as `TelegramRetryAfter` for the caller to
    reschedule.
    """
    token = _RAISING.set(True)
    try:
        yield
    finally:
        _RAISING.reset(token)


@dataclass(slots=True)
class _Spacing:
    """At most one send per ``interval`` once a burst of ``burst`` is spent.

    A token bucket kept as one timestamp (the virtual time of the next send at the steady
    pace), so holding it for a quiet chat costs nothing and it never needs a timer.
    """

    interval: float
    burst: int
    due: float = -math.inf

    def ready_at(self) -> float:
        return self.due - (self.burst - 1) * self.interval

    def take(self, now: float) -> None:
        self.due = max(self.due, now) + self.interval


@dataclass(slots=True)
class _Window:
    """At most ``limit`` sends in any ``period`` seconds, counted exactly (a sliding log).

    A bucket refilling at limit/period would let a full burst follow a full burst; the log
    never lets any minute hold more than the limit.
    """

    limit: int
    period: float
    sent: deque[float] = field(init=False)

    def __post_init__(self) -> None:
        self.sent = deque(maxlen=self.limit)

    def ready_at(self) -> float:
        return self.sent[0] + self.period if len(self.sent) == self.limit else -math.inf

    def take(self, now: float) -> None:
        self.sent.append(now)


@dataclass(slots=True)
class _Lane:
    """The queue of one chat (or of the whole bot): its limits and a FIFO lock.

    Callers wait for their turn holding the lock, so exactly one of them sleeps on the lane's
    next free moment while the rest queue behind it in arrival order; nobody wakes early in a
    crowd and nobody overtakes.
    """

    spacing: _Spacing
    window: _Window | None = None
    blocked_until: float = -math.inf
    touched: float = -math.inf
    last_send: float = -math.inf
    callers: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def ready_at(self) -> float:
        ready = max(self.spacing.ready_at(), self.blocked_until)
        if self.window is not None:
            ready = max(ready, self.window.ready_at())
        return ready

    def take(self, now: float) -> None:
        self.spacing.take(now)
        if self.window is not None:
            self.window.take(now)
        self.last_send = now

    def forgettable(self, now: float, idle_after: float) -> bool:
        """Whether dropping the lane loses nothing: nobody waits and its limits have lapsed."""
        last_active = max(self.touched, self.last_send, self.blocked_until)
        return self.callers == 0 and now - last_active >= idle_after


def _chat_of(method: TelegramMethod[Any]) -> ChatKey | None:
    chat_id = getattr(method, "chat_id", None)
    return chat_id if isinstance(chat_id, int | str) else None


def _is_group(chat: ChatKey) -> bool:
    """Groups, supergroups and channels have negative ids; ``@username`` names only them."""
    return not isinstance(chat, int) or chat < 0


class SharedFloodLimits:
    """Telegram's limits as one budget for every instance of the bot, kept in shared storage.

    Each limit is a moving window of the `limits` library (exact counts, like `_Window`): per
    chat one message a second (``private_burst`` in ``private_burst`` seconds in a private
    chat), 20 a minute per group, ``global_per_second`` overall. A send first reads every
    window it falls under and waits for the latest of their turns, then takes its place in
    each; when another instance took the last place in between, it reads again. A 429 is
    stored as a hold on the chat (or the whole bot) that every instance waits out.

    Keys carry the bot's id, so bots sharing a Redis never share a budget. While the storage
    cannot be reached, sends go on under each process's own limits (one log line a minute).
    """

    def __init__(
        self,
        storage: Storage,
        *,
        bot_id: int,
        per_chat_interval: float = 1.0,
        private_burst: int = 3,
        group_per_minute: int = 20,
        global_per_second: float = 30.0,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.time,
    ) -> None:
        self._storage = storage
        self._windows = MovingWindowRateLimiter(storage)
        self._bot = str(bot_id)
        self._sleep = sleep
        self._clock = clock
        # Windows are whole seconds in `limits`: a rate below one a second becomes one per N s.
        self._global = _per_seconds(global_per_second)
        self._group = RateLimitItemPerMinute(group_per_minute, namespace="flood")
        interval = max(1, math.ceil(per_chat_interval))
        self._group_chat = RateLimitItemPerSecond(1, interval, namespace="flood")
        self._private_chat = RateLimitItemPerSecond(
            private_burst, interval * private_burst, namespace="flood"
        )
        self._per_chat = per_chat_interval > 0
        self._last_failure_logged = -math.inf

    def _checks(self, chat: ChatKey | None) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
        """The windows a send falls under, in the order they are taken.

        The chat's second first: two instances racing for one chat collide there, and the
        loser has then spent nothing of the group's minute (a place taken before a refusal
        stays taken, which only ever counts too much, never too little).
        """
        checks: list[tuple[RateLimitItem, tuple[str, ...]]] = []
        if chat is not None:
            key = (self._bot, str(chat))
            if self._per_chat:
                checks.append((self._group_chat if _is_group(chat) else self._private_chat, key))
            if _is_group(chat):
                checks.append((self._group, (*key, "minute")))
        checks.append((self._global, (self._bot, "all")))
        return checks

    async def acquire(self, chat: ChatKey | None) -> None:
        """Wait until every window (and every hold) lets this send go, and count it.

        Without the storage (Redis down) the send goes on under this process's own limits.
        """
        try:
            await self._acquire(chat)
        except StorageError as error:
            self._storage_failed(error)

    async def _acquire(self, chat: ChatKey | None) -> None:
        checks = self._checks(chat)
        while True:
            wait = await self.held_for(chat)
            for item, identifiers in checks:
                stats = await self._windows.get_window_stats(item, *identifiers)
                if stats.remaining <= 0:
                    wait = max(wait, stats.reset_time - self._clock())
            if wait > 0:
                await self._sleep(wait)
                continue
            for item, identifiers in checks:
                if not await self._windows.hit(item, *identifiers):
                    break  # another instance took the last place since the read
            else:
                return

    async def held_for(self, chat: ChatKey | None) -> float:
        """Seconds left of a pause Telegram asked of any instance, for this chat or the bot."""
        try:
            return await self._held_for(chat)
        except StorageError as error:
            self._storage_failed(error)
            return 0.0

    async def _held_for(self, chat: ChatKey | None) -> float:
        held = 0.0
        for key in self._hold_keys(chat):
            if await self._storage.get(key) > 0:
                held = max(held, await self._storage.get_expiry(key) - self._clock())
        return held

    async def hold(self, chat: ChatKey | None, retry_after: float) -> None:
        """Every instance waits out the pause Telegram asked of one of them."""
        key = self._hold_keys(chat)[-1]
        try:
            await self._storage.incr(key, max(1, math.ceil(retry_after)))
        except StorageError as error:
            self._storage_failed(error)

    def _storage_failed(self, error: StorageError) -> None:
        """One log line a minute while the shared storage cannot be reached."""
        now = self._clock()
        if now - self._last_failure_logged >= STORAGE_FAILURE_LOG_INTERVAL:
            self._last_failure_logged = now
            logger.warning(
                "shared flood limits unavailable (%s); counting in this process only",
                error.storage_error.__class__.__name__,
            )

    def _hold_keys(self, chat: ChatKey | None) -> list[str]:
        keys = [f"flood/hold/{self._bot}/all"]
        if chat is not None:
            keys.append(f"flood/hold/{self._bot}/{chat}")
        return keys


def _per_seconds(rate: float) -> RateLimitItem:
    if rate >= 1:
        return RateLimitItemPerSecond(math.floor(rate), 1, namespace="flood")
    return RateLimitItemPerSecond(1, math.ceil(1 / rate), namespace="flood")


class OutgoingRateLimiter(BaseRequestMiddleware):
    """Delays each send until every limit it falls under allows it, and retries on 429.

    One instance must see all of a process's requests, since the limits are Telegram's count
    of everything the bot sends; with ``shared`` the processes of one bot also draw on one
    budget (a send takes its local turn, then its place in the shared windows). State for a
    chat is forgotten once it has been idle for ``idle_after`` seconds, so memory follows the
    chats active right now.
    """

    def __init__(
        self,
        *,
        per_chat_interval: float = 1.0,
        private_burst: int = 3,
        group_per_minute: int = 20,
        global_per_second: float = 30.0,
        max_retries: int = 5,
        idle_after: float = 120.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        shared: SharedFloodLimits | None = None,
    ) -> None:
        if per_chat_interval < 0 or private_burst < 1 or group_per_minute < 1:
            raise ValueError("chat limits must allow at least one message")
        if global_per_second <= 0 or max_retries < 0:
            raise ValueError("global_per_second must be positive and max_retries not negative")
        if idle_after < max(GROUP_WINDOW, per_chat_interval * private_burst):
            raise ValueError("idle_after must outlast every chat limit, or state is lost early")
        self._per_chat_interval = per_chat_interval
        self._private_burst = private_burst
        self._group_per_minute = group_per_minute
        self._max_retries = max_retries
        self._idle_after = idle_after
        self._clock = clock
        self._sleep = sleep
        self._shared = shared
        # Even spacing rather than a burst keeps every one-second window within the limit and
        # leaves Telegram's own bucket room for network jitter.
        self._global = _Lane(_Spacing(1.0 / global_per_second, 1))
        self._chats: OrderedDict[ChatKey, _Lane] = OrderedDict()

    @property
    def tracked_chats(self) -> int:
        """How many chats the limiter holds state for (idle ones are forgotten)."""
        return len(self._chats)

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        sends = isinstance(method, SENDING_METHODS)
        chat = _chat_of(method)
        raising = _RAISING.get()
        retries = 0
        while True:
            if sends:
                if raising:
                    await self._raise_if_held(method, chat)
                await self._wait_turn(chat)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                self._hold(chat, error.retry_after)
                if self._shared is not None:
                    await self._shared.hold(chat, error.retry_after)
                if raising:
                    logger.warning(
                        "flood limit on %s in chat %s for %s s; left to the caller",
                        method.__api_method__,
                        chat,
                        error.retry_after,
                    )
                    raise
                if retries >= self._max_retries:
                    logger.warning(
                        "flood limit on %s in chat %s; giving up after %d retries",
                        method.__api_method__,
                        chat,
                        retries,
                    )
                    raise
                retries += 1
                logger.warning(
                    "flood limit on %s in chat %s; retry %d of %d in %s s",
                    method.__api_method__,
                    chat,
                    retries,
                    self._max_retries,
                    error.retry_after,
                )
                if not sends:
                    # A send waits out the hold in its lane; other methods have no lane.
                    await self._sleep(error.retry_after)

    async def _raise_if_held(self, method: TelegramMethod[Any], chat: ChatKey | None) -> None:
        """A pause Telegram asked for is still running for this chat (or for the whole bot),
        here or, with shared limits, in any instance."""
        now = self._clock()
        held = self._global.blocked_until - now
        if chat is not None and chat in self._chats:
            held = max(held, self._chats[chat].blocked_until - now)
        if self._shared is not None:
            held = max(held, await self._shared.held_for(chat))
        if held > 0:
            raise TelegramRetryAfter(
                method=method,
                message=f"Too Many Requests: still paused for {held:.0f} s",
                retry_after=math.ceil(held),
            )

    async def _wait_turn(self, chat: ChatKey | None) -> None:
        if chat is None:
            async with self._global.lock:
                await self._until_ready(self._global)
                self._global.take(self._clock())
                if self._shared is not None:
                    await self._shared.acquire(None)
            return
        lane = self._lane(chat)
        lane.callers += 1
        try:
            async with lane.lock:
                await self._take_turn(lane)
                # Still first in this chat's queue here: the shared budget keeps its order.
                if self._shared is not None:
                    await self._shared.acquire(chat)
        finally:
            lane.callers -= 1

    async def _take_turn(self, lane: _Lane) -> None:
        while True:
            await self._until_ready(lane)
            async with self._global.lock:
                await self._until_ready(self._global)
                now = self._clock()
                # A 429 may have held the chat while this caller queued for the bot.
                if lane.ready_at() <= now:
                    lane.take(now)
                    self._global.take(now)
                    return

    async def _until_ready(self, lane: _Lane) -> None:
        while (delay := lane.ready_at() - self._clock()) > 0:
            await self._sleep(delay)

    def _hold(self, chat: ChatKey | None, retry_after: float) -> None:
        """Makes everyone behind a 429 wait as long as Telegram asked, not only its caller."""
        lane = self._global if chat is None else self._lane(chat)
        lane.blocked_until = max(lane.blocked_until, self._clock() + retry_after)

    def _lane(self, chat: ChatKey) -> _Lane:
        now = self._clock()
        lane = self._chats.get(chat)
        if lane is None:
            if _is_group(chat):
                spacing = _Spacing(self._per_chat_interval, 1)
                window = _Window(self._group_per_minute, GROUP_WINDOW)
                lane = _Lane(spacing, window)
            else:
                lane = _Lane(_Spacing(self._per_chat_interval, self._private_burst))
            self._chats[chat] = lane
        else:
            self._chats.move_to_end(chat)
        lane.touched = now
        self._forget_idle(now)
        return lane

    def _forget_idle(self, now: float) -> None:
        """Drops lanes from the least recently used end while they are forgettable.

        A stale lane that must stay (a long 429 hold, callers still queued) moves to the back
        instead, so it cannot stop the sweep from reaching the idle lanes behind it.
        """
        while self._chats:
            chat, lane = next(iter(self._chats.items()))
            if now - lane.touched < self._idle_after:
                return
            if lane.forgettable(now, self._idle_after):
                del self._chats[chat]
            else:
                lane.touched = now
                self._chats.move_to_end(chat)
