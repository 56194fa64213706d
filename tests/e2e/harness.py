"""Running the real bot against the Bot API emulator: in this process, or as its own process."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import URL

from available_now.bot.runner import Application, application, serve_polling
from available_now.config import Settings
from available_now.domain.clock import ManualClock
from available_now.domain.retention import RetentionReport
from available_now.launcher import BotProcess, bot_environment
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.limits import RateLimits

from ..data_key import TEST_KEY

TOKEN = "123456789:AAE_e2e-test-token"
GROUP_ID = -1_001_234_567_890
OWNER_ID = 900_000_001
BOT_USERNAME = "available_now_bot"
# Telegram's limits, but for the pace within one chat: a test user answers at once, where a
# person takes seconds, and would otherwise wait a second per step. Tests of that pace build
# an emulator with Telegram's own numbers.
QUICK_CHATS = RateLimits(chat_per_second=100.0, chat_burst=20.0)


def settings_for(emulator: BotAPIEmulator, database_url: URL, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "telegram_bot_token": TOKEN,
        "telegram_api_url": emulator.base_url,
        "database_url": database_url.render_as_string(hide_password=False),
        "target_group_id": GROUP_ID,
        "owner_ids": [OWNER_ID],
        "log_level": "DEBUG",
        "data_encryption_key": TEST_KEY,
        # The bot keeps the pace within a chat that this emulator enforces.
        "outgoing_chat_interval": 1.0 / emulator.limiter.limits.chat_per_second,
    }
    values.update(overrides)
    return Settings.model_validate(values)


class InProcessBot:
    """The real application (migrations, middlewares, routers) polling in the test's loop.

    It reads time from `clock`, which the fixtures share with the emulator: `advance` moves
    both, as if that much time had passed for Telegram and the bot alike.
    """

    def __init__(self, settings: Settings, clock: ManualClock | None = None) -> None:
        self.settings = settings
        self.clock = clock or ManualClock()
        self._stack: contextlib.AsyncExitStack | None = None
        self._task: asyncio.Task[None] | None = None
        self.app: Application | None = None

    async def start(self) -> None:
        self._stack = contextlib.AsyncExitStack()
        self.app = await self._stack.enter_async_context(
            application(self.settings, clock=self.clock)
        )
        self._task = asyncio.create_task(
            serve_polling(self.app, handle_signals=False, polling_timeout=1)
        )

    async def stop(self) -> None:
        if self.app is not None and self._task is not None:
            with contextlib.suppress(RuntimeError):
                await self.app.dispatcher.stop_polling()
            await asyncio.wait_for(self._task, 10)
        if self._stack is not None:
            await self._stack.aclose()
        self._stack, self._task, self.app = None, None, None

    async def expiry_pass(self) -> int:
        """Have the expiry worker make a pass now; returns once it, and its notices, are done."""
        assert self.app is not None, "the bot is not running"
        return await self.app.expiry_worker.run_pass()

    async def outbox_pass(self) -> int:
        """Have the outbox worker make a pass now (posts, the living list, redraws)."""
        assert self.app is not None, "the bot is not running"
        return await self.app.outbox_worker.run_pass()

    async def advance(self, by: timedelta) -> int:
        """Let `by` pass, then wait for the expiry worker's pass that sees it."""
        self.clock.advance(by)
        return await self.expiry_pass()

    async def retention_pass(self) -> RetentionReport | None:
        """Have the retention worker look at the clock now; what its pass removed, or None
        when none was due."""
        assert self.app is not None, "the bot is not running"
        return await self.app.retention_worker.run_pass()

    async def restart(self) -> None:
        await self.stop()
        await self.start()


@contextlib.asynccontextmanager
async def in_process_bot(
    settings: Settings, clock: ManualClock | None = None
) -> AsyncIterator[InProcessBot]:
    bot = InProcessBot(settings, clock)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bot_process(
    emulator: BotAPIEmulator,
    database_url: URL,
    workdir: Path,
    *,
    args: tuple[str, ...] = ("run",),
    extra_env: dict[str, str] | None = None,
    data_key: str | None = TEST_KEY,
) -> BotProcess:
    """The bot as its own process, on the system clock, configured as `settings_for` does.

    `data_key=None` starts it without `DATA_ENCRYPTION_KEY`.
    """
    data = {"DATA_ENCRYPTION_KEY": data_key} if data_key is not None else {}
    data["OUTGOING_CHAT_INTERVAL"] = str(1.0 / emulator.limiter.limits.chat_per_second)
    env = bot_environment(
        token=TOKEN,
        api_url=emulator.base_url,
        database_url=database_url.render_as_string(hide_password=False),
        group_id=GROUP_ID,
        owner_id=OWNER_ID,
        extra=data | (extra_env or {}),
    )
    return BotProcess(env, workdir, args)
