"""The real bot running in this process, on a clock it shares with the Bot API emulator.

The playground and the end-to-end tests both run it so: moving the one clock moves time for
Telegram and the bot alike, and the workers can be asked for a pass at once instead of waiting
for their next tick.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

from available_now.bot.runner import Application, application, serve_polling
from available_now.config import Settings
from available_now.domain.clock import ManualClock
from available_now.domain.retention import RetentionReport

STOP_TIMEOUT = 10.0
"""Seconds polling gets to end once told to stop."""


class InProcessBot:
    """The real application (migrations, middlewares, routers) polling in the caller's loop.

    It reads time from `clock`: `advance` moves it, then has the workers act on the new time.
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
            try:
                await self.app.dispatcher.stop_polling()
            except RuntimeError:
                # Stopped before polling began (still publishing its commands): end it there.
                self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._task, STOP_TIMEOUT)
        if self._stack is not None:
            await self._stack.aclose()
        self._stack, self._task, self.app = None, None, None

    def _running(self) -> Application:
        if self.app is None:
            raise RuntimeError("the bot is not running")
        return self.app

    async def expiry_pass(self) -> int:
        """Have the expiry worker make a pass now; returns once it, and its notices, are done."""
        return await self._running().expiry_worker.run_pass()

    async def outbox_pass(self) -> int:
        """Have the outbox worker make a pass now (posts, the living list, redraws)."""
        return await self._running().outbox_worker.run_pass()

    async def advance(self, by: timedelta) -> int:
        """Let `by` pass, then wait for the expiry worker's pass that sees it."""
        self.clock.advance(by)
        return await self.expiry_pass()

    async def retention_pass(self) -> RetentionReport | None:
        """Have the retention worker look at the clock now; what its pass removed, or None
        when none was due."""
        return await self._running().retention_worker.run_pass()

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
