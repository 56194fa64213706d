"""The outgoing rate limiter: exact pacing on a virtual clock, then a real bot over HTTP.

Unit tests run the limiter on virtual time, so minutes of Telegram limits pass instantly and
each send's moment can be checked to the second. The integration tests drive a real aiogram
`Bot` against the Bot API emulator with its strict limits on, on a clock both share that runs
faster than the wall, so Telegram's real numbers are exercised in a few seconds.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    EditMessageText,
    GetChat,
    GetUpdates,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import Response
from aiogram.types import InputMediaPhoto

from available_now.bot.ratelimit import OutgoingRateLimiter, raising_flood_limits
from available_now.domain.clock import ManualClock
from telegram_sandbox import BotAPIEmulator, Clock

T = TypeVar("T")

TOKEN = "123456789:AAE_sandbox-token"
GROUP = -1001234567890
TEXT = "secret listing text"
EPSILON = 1e-9


# --- virtual time -----------------------------------------------------------------------------


class VirtualTime:
    """A clock that moves only when every task is waiting on it, so hours pass instantly."""

    def __init__(self) -> None:
        self.now = 0.0
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._activity = 0

    def clock(self) -> float:
        self._activity += 1
        return self.now

    async def sleep(self, seconds: float) -> None:
        wake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now + max(seconds, 0.0), next(self._order), wake))
        await wake

    async def run(self, *calls: Awaitable[T]) -> list[T]:
        """Run ``calls`` concurrently, advancing the clock whenever all of them wait on it."""
        tasks = [asyncio.ensure_future(call) for call in calls]
        while True:
            await self._settle()
            if all(task.done() for task in tasks):
                return [task.result() for task in tasks]
            if not self._timers:
                raise AssertionError("deadlock: tasks wait on something other than time")
            when, _, wake = heapq.heappop(self._timers)
            self.now = max(self.now, when)
            if not wake.done():
                wake.set_result(None)

    async def _settle(self) -> None:
        """Let tasks run until none has touched the clock for a few loop turns."""
        quiet = 0
        while quiet < 5:
            before = self._activity
            await asyncio.sleep(0)
            quiet = quiet + 1 if self._activity == before else 0


@dataclass(frozen=True, slots=True)
class Call:
    at: float
    method: TelegramMethod[Any]

    @property
    def chat_id(self) -> Any:
        return getattr(self.method, "chat_id", None)


class FakeTelegram:
    """Stands in for the HTTP session: records when each request left; can answer 429."""

    def __init__(self, vt: VirtualTime) -> None:
        self._vt = vt
        self.calls: list[Call] = []
        self.floods: list[int] = []
        """``retry_after`` answers for the next requests, one each."""

    async def __call__(self, bot: Bot, method: TelegramMethod[Any]) -> Response[Any]:
        self.calls.append(Call(self._vt.clock(), method))
        await asyncio.sleep(0)  # the request is in flight: other callers move meanwhile
        if self.floods:
            raise TelegramRetryAfter(
                method=method, message="Too Many Requests", retry_after=self.floods.pop(0)
            )
        return Response[Any](ok=True, result=True)

    def times(self, chat_id: Any = None) -> list[float]:
        return [c.at for c in self.calls if chat_id is None or c.chat_id == chat_id]


@pytest.fixture
def vt() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
def telegram(vt: VirtualTime) -> FakeTelegram:
    return FakeTelegram(vt)


@pytest.fixture
def limiter(vt: VirtualTime) -> OutgoingRateLimiter:
    return OutgoingRateLimiter(clock=vt.clock, sleep=vt.sleep)


@pytest.fixture(scope="module")
def offline_bot() -> Bot:
    """The limiter never touches the bot; a real one keeps the call honest."""
    return Bot(TOKEN)


Send = Callable[[TelegramMethod[Any]], Awaitable[Response[Any]]]


@pytest.fixture
def send(limiter: OutgoingRateLimiter, telegram: FakeTelegram, offline_bot: Bot) -> Send:
    def through_limiter(method: TelegramMethod[Any]) -> Awaitable[Response[Any]]:
        return limiter(telegram, offline_bot, method)

    return through_limiter


def text(chat_id: int | str, n: int = 0) -> SendMessage:
    return SendMessage(chat_id=chat_id, text=f"{TEXT} {n}")


def assert_at_most(times: list[float], count: int, window: float) -> None:
    """No ``window``-second span holds more than ``count`` of ``times``."""
    ordered = sorted(times)
    for first, later in zip(ordered, ordered[count:], strict=False):
        assert later - first >= window - EPSILON, (first, later)


# --- pacing ----------------------------------------------------------------------------------


async def test_a_crowd_posting_to_one_group_gets_20_a_minute_one_a_second(
    vt: VirtualTime, telegram: FakeTelegram, send: Send
) -> None:
    await vt.run(*(send(text(GROUP, n)) for n in range(25)))

    times = telegram.times(GROUP)
    assert len(times) == 25
    assert_at_most(times, 20, 60.0)
    assert_at_most(times, 1, 1.0)
    # Not slower than the limits require: twenty a second apart, then the minute turns over.
    assert times == pytest.approx([*range(20), *range(60, 65)])
    # Queued callers go in the order they came.
    assert [getattr(c.method, "text", None) for c in telegram.calls] == [
        f"{TEXT} {n}" for n in range(25)
    ]


async def test_a_private_chat_gets_a_short_burst_then_one_a_second(
    vt: VirtualTime, telegram: FakeTelegram, send: Send
) -> None:
    await vt.run(*(send(text(42, n)) for n in range(6)))

    # The burst of three is spaced only by the bot-wide 30/s pace.
    assert telegram.times(42) == pytest.approx([0, 1 / 30, 2 / 30, 1, 2, 3])


async def test_a_channel_named_by_username_is_limited_as_a_group(
    vt: VirtualTime, telegram: FakeTelegram, send: Send
) -> None:
    await vt.run(*(send(text("@available_now", n)) for n in range(21)))

    assert telegram.times()[-1] == pytest.approx(60.0)


async def test_an_album_counts_as_one_message(
    vt: VirtualTime, telegram: FakeTelegram, send: Send
) -> None:
    def album() -> SendMediaGroup:
        return SendMediaGroup(
            chat_id=GROUP, media=[InputMediaPhoto(media=f"photo-{n}") for n in range(10)]
        )

    await vt.run(*(send(album()) for _ in range(20)))
    await vt.run(send(SendPhoto(chat_id=GROUP, photo="photo-x")))

    assert telegram.times()[-1] == pytest.approx(60.0)


async def test_many_chats_at_once_stay_within_30_a_second(
    vt: VirtualTime, telegram: FakeTelegram, send: Send
) -> None:
    await vt.run(*(send(text(1000 + n)) for n in range(100)))

    times = telegram.times()
    assert len(times) == 100
    assert_at_most(times, 30, 1.0)
    assert times[-1] == pytest.approx(99 / 30)


async def test_methods_that_post_nothing_are_not_delayed(
    vt: VirtualTime, telegram: FakeTelegram, send: Send
) -> None:
    queued = [send(text(GROUP, n)) for n in range(25)]
    passing: list[TelegramMethod[Any]] = [
        GetUpdates(offset=1),
        AnswerCallbackQuery(callback_query_id="q"),
        EditMessageText(chat_id=GROUP, message_id=1, text="edited"),
        DeleteMessage(chat_id=GROUP, message_id=1),
        GetChat(chat_id=GROUP),
    ]
    await vt.run(*queued, *(send(method) for method in passing))

    passed = [c for c in telegram.calls if not isinstance(c.method, SendMessage)]
    assert [c.at for c in passed] == [0.0] * len(passing)


async def test_state_of_idle_chats_is_forgotten(
    vt: VirtualTime, limiter: OutgoingRateLimiter, send: Send
) -> None:
    await vt.run(*(send(text(n)) for n in range(1, 1001)), send(text(GROUP)))
    assert limiter.tracked_chats == 1001

    vt.now += 121
    await vt.run(send(text(7)))

    assert limiter.tracked_chats == 1


async def test_a_busy_group_is_not_forgotten_while_its_minute_is_full(
    vt: VirtualTime, telegram: FakeTelegram, send: Send
) -> None:
    """A queue longer than the idle timeout keeps its lane, so the minute limit still holds."""

    async def later() -> None:
        await vt.sleep(130)
        # The first send sweeps idle chats while the group's queue is still draining.
        await asyncio.gather(send(text(7)), send(text(GROUP, 60)))

    await vt.run(*(send(text(GROUP, n)) for n in range(60)), later())

    times = telegram.times(GROUP)
    assert_at_most(times, 20, 60.0)
    # The other chat's send took the bot-wide slot at 130, nudging the group by 1/30 s.
    third_minute = [*range(120, 130), *(130 + 1 / 30 + n for n in range(10))]
    # The late post still finds the minute full: the lane was kept, not swept.
    assert times == pytest.approx([*range(20), *range(60, 80), *third_minute, 180])


# --- 429 answers ------------------------------------------------------------------------------


async def test_a_429_is_waited_out_and_retried_and_holds_the_chat_queue(
    vt: VirtualTime,
    telegram: FakeTelegram,
    send: Send,
    caplog: pytest.LogCaptureFixture,
) -> None:
    telegram.floods = [5]
    with caplog.at_level(logging.WARNING, logger="available_now.bot.ratelimit"):
        results = await vt.run(*(send(text(42, n)) for n in range(3)), send(text(43)))

    assert all(r.ok for r in results)
    calls = [(c.at, c.chat_id) for c in telegram.calls]
    # The first send met the 429; the two queued behind it wait out the hold too and the
    # retry goes after them (the chat's burst has refilled by then). Another chat is not held.
    assert calls == [
        (0.0, 42),
        (pytest.approx(1 / 30), 43),
        (5.0, 42),
        (pytest.approx(5 + 1 / 30), 42),
        (pytest.approx(5 + 2 / 30), 42),
    ]
    assert len(caplog.records) == 1
    assert "sendMessage" in caplog.text
    assert TEXT not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text


async def test_retries_stop_after_max_retries(vt: VirtualTime, offline_bot: Bot) -> None:
    limiter = OutgoingRateLimiter(max_retries=2, clock=vt.clock, sleep=vt.sleep)
    telegram = FakeTelegram(vt)
    telegram.floods = [1, 1, 1, 1]

    with pytest.raises(TelegramRetryAfter):
        await vt.run(limiter(telegram, offline_bot, text(42)))

    assert len(telegram.calls) == 3


async def test_a_429_on_a_method_that_posts_nothing_is_retried_too(
    vt: VirtualTime, telegram: FakeTelegram, send: Send
) -> None:
    telegram.floods = [3]
    await vt.run(send(AnswerCallbackQuery(callback_query_id="q")))

    assert telegram.times() == [0.0, 3.0]


async def test_a_worker_is_handed_a_429_at_once_instead_of_waiting(
    vt: VirtualTime, telegram: FakeTelegram, send: Send
) -> None:
    """Inside `raising_flood_limits` nothing sleeps on Telegram's pause: the caller reschedules."""
    telegram.floods = [60]
    with raising_flood_limits(), pytest.raises(TelegramRetryAfter) as raised:
        await vt.run(send(DeleteMessage(chat_id=GROUP, message_id=1)))
    assert raised.value.retry_after == 60
    assert telegram.times() == [0.0]
    assert vt.now == 0.0

    # The chat stays paused: a worker's send there is refused without a request, another
    # chat's goes out at once, and a handler's send (outside the block) waits the pause out.
    with raising_flood_limits(), pytest.raises(TelegramRetryAfter) as held:
        await vt.run(send(text(GROUP)))
    assert 59 <= held.value.retry_after <= 60
    with raising_flood_limits():
        await vt.run(send(text(42)))
    assert [c.chat_id for c in telegram.calls] == [GROUP, 42]
    await vt.run(send(text(GROUP)))
    assert telegram.times(GROUP)[-1] >= 60.0


async def test_tasks_started_inside_the_block_raise_too(
    vt: VirtualTime, telegram: FakeTelegram, send: Send
) -> None:
    telegram.floods = [30]

    async def worker() -> None:
        await send(DeleteMessage(chat_id=GROUP, message_id=1))

    with raising_flood_limits():
        task = asyncio.ensure_future(worker())
    with pytest.raises(TelegramRetryAfter):
        await vt.run(task)
    assert vt.now == 0.0


async def test_a_429_without_a_chat_holds_every_send(
    vt: VirtualTime, telegram: FakeTelegram, send: Send
) -> None:
    telegram.floods = [4]

    async def later() -> None:
        await vt.sleep(1)
        await asyncio.gather(send(text(GROUP)), send(text(42)))

    await vt.run(send(GetUpdates()), later())

    sent = [c.at for c in telegram.calls if isinstance(c.method, SendMessage)]
    assert min(sent) >= 4.0


async def test_a_long_hold_outlives_the_idle_timeout(
    vt: VirtualTime, telegram: FakeTelegram, offline_bot: Bot
) -> None:
    limiter = OutgoingRateLimiter(max_retries=0, clock=vt.clock, sleep=vt.sleep)
    telegram.floods = [300]
    with pytest.raises(TelegramRetryAfter):
        await vt.run(limiter(telegram, offline_bot, text(42)))

    vt.now = 200.0
    await vt.run(limiter(telegram, offline_bot, text(43)))  # sweeps past the held chat
    await vt.run(limiter(telegram, offline_bot, text(42)))

    assert telegram.times(42) == [0.0, 300.0]


def test_limits_that_would_forget_a_chat_too_early_are_refused() -> None:
    with pytest.raises(ValueError, match="idle_after"):
        OutgoingRateLimiter(idle_after=30)


# --- a real bot against the emulator ----------------------------------------------------------


class _Faster:
    """Real time, running ``speed`` times faster from the moment it is made."""

    def __init__(self, speed: float) -> None:
        self._origin = datetime.now(UTC)
        self._speed = speed

    def now(self) -> datetime:
        return self._origin + (datetime.now(UTC) - self._origin) * self._speed


class FastWorld:
    """The emulator (strict limits on) and a rate-limited real `Bot` sharing one clock that runs
    ``speed`` times faster than the wall, so Telegram's real limits pass in seconds.

    The speed also magnifies network jitter in the emulator's eyes, so each test picks the
    fastest speed its tightest limit tolerates.
    """

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self.emulator = BotAPIEmulator(clock=Clock(ManualClock(base=_Faster(speed))))
        self.group = self.emulator.create_group(GROUP, "Available now")
        self.bot: Bot | None = None

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds / self.speed)

    async def __aenter__(self) -> FastWorld:
        await self.emulator.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self.bot is not None:
            await self.bot.session.close()
        await self.emulator.stop()

    def limited_bot(self) -> Bot:
        bot = self.plain_bot()
        bot.session.middleware(OutgoingRateLimiter(clock=self.emulator.clock, sleep=self.sleep))
        return bot

    def plain_bot(self) -> Bot:
        session = AiohttpSession(api=TelegramAPIServer.from_base(self.emulator.base_url))
        self.bot = Bot(TOKEN, session=session)
        return self.bot


async def test_a_real_bot_floods_a_group_and_meets_no_429() -> None:
    async with FastWorld(speed=20) as world:
        bot, emulator = world.limited_bot(), world.emulator
        started = emulator.clock()
        await asyncio.gather(*(bot.send_message(GROUP, f"post {n}") for n in range(25)))

        assert emulator.errors(429) == []
        assert [m.text for m in world.group.bot_messages()] == [f"post {n}" for n in range(25)]
        assert emulator.clock() - started >= 60  # the 21st post waited for the minute to turn


async def test_without_the_limiter_the_same_flood_is_refused() -> None:
    """Shows the emulator enforces what the limiter avoids, so the test above means something."""
    async with FastWorld(speed=20) as world:
        bot = world.plain_bot()
        results = await asyncio.gather(
            *(bot.send_message(GROUP, f"post {n}") for n in range(25)),
            return_exceptions=True,
        )

        assert any(isinstance(r, TelegramRetryAfter) for r in results)
        assert world.emulator.errors(429)


async def test_a_real_bot_writes_to_many_people_at_once_and_meets_no_429() -> None:
    # Slower time here: the bot-wide 30/s pace leaves Telegram's bucket under a second of slack.
    async with FastWorld(speed=4) as world:
        bot, emulator = world.limited_bot(), world.emulator
        users = [emulator.user(5000 + n, f"User {n}") for n in range(45)]
        for user in users:
            await user.send("/start")

        await asyncio.gather(
            *(bot.send_message(user.id, f"hello {n}") for user in users for n in range(2)),
            *(bot.send_message(users[0].id, f"more {n}") for n in range(6)),
        )

        assert emulator.errors(429) == []
        assert len(emulator.calls("sendMessage")) == 45 * 2 + 6


@pytest.mark.serial
async def test_a_429_from_telegram_is_waited_out_and_sent_once_more(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with FastWorld(speed=1) as world:  # the wall clock: the wait is a real second
        bot, emulator = world.limited_bot(), world.emulator
        emulator.fail_next("sendMessage", error_code=429, retry_after=1)
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="available_now.bot.ratelimit"):
            message = await bot.send_message(GROUP, "hello")
        elapsed = time.monotonic() - started

        assert message.text == "hello"
        assert 1.0 <= elapsed < 2.0
        assert len(emulator.calls("sendMessage")) == 2
        assert len(emulator.errors(429)) == 1
        assert [m.text for m in world.group.bot_messages()] == ["hello"]
        assert len(caplog.records) == 1
