"""Running the real bot against the Bot API emulator: in this process, or as its own process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import URL

from available_now.bot.runner import Application, application, serve_polling
from available_now.config import Settings
from available_now.domain.clock import ManualClock
from available_now.sandbox import BotAPIEmulator

TOKEN = "123456789:AAE_e2e-test-token"
GROUP_ID = -1_001_234_567_890
OWNER_ID = 900_000_001
BOT_USERNAME = "available_now_bot"


def settings_for(emulator: BotAPIEmulator, database_url: URL, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "telegram_bot_token": TOKEN,
        "telegram_api_url": emulator.base_url,
        "database_url": database_url.render_as_string(hide_password=False),
        "target_group_id": GROUP_ID,
        "owner_ids": [OWNER_ID],
        "log_level": "DEBUG",
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

    async def advance(self, by: timedelta) -> int:
        """Let `by` pass, then wait for the expiry worker's pass that sees it."""
        self.clock.advance(by)
        return await self.expiry_pass()

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


class BotProcess:
    """`python -m available_now run …` as a child process, as an operator would start it."""

    def __init__(self, env: dict[str, str], args: list[str], workdir: Path) -> None:
        self._env = env
        self._args = args
        self._workdir = workdir
        self.process: asyncio.subprocess.Process | None = None
        self.log = workdir / "bot.log"

    @classmethod
    def for_settings(
        cls,
        emulator: BotAPIEmulator,
        database_url: URL,
        workdir: Path,
        *,
        args: tuple[str, ...] = ("run",),
        extra_env: dict[str, str] | None = None,
    ) -> BotProcess:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("TELEGRAM_", "DATABASE_", "WEBHOOK_", "OWNER_", "APPROVED_"))
        }
        env.update(
            {
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_URL": emulator.base_url,
                "DATABASE_URL": database_url.render_as_string(hide_password=False),
                "TARGET_GROUP_ID": str(GROUP_ID),
                "OWNER_IDS": str(OWNER_ID),
                "LOG_LEVEL": "INFO",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(extra_env or {})
        return cls(env, list(args), workdir)

    async def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "available_now",
                *self._args,
                env=self._env,
                cwd=self._workdir,
                stdout=log,
                stderr=log,
            )

    async def started(self, emulator: BotAPIEmulator, *, polling: bool = True) -> None:
        """Start and wait until it serves: its first getUpdates (or setWebhook).

        Start-up (migrations included) can take seconds on a loaded machine; a test that talks
        to the bot before then would only measure that.
        """
        after = len(emulator.requests)
        await self.start()
        method = "getUpdates" if polling else "setWebhook"
        try:
            await emulator.wait_for_request(method, timeout=60, after=after)
        except AssertionError:
            raise AssertionError(f"the bot did not start:\n{self.output()}") from None

    async def stop(self, sig: int = signal.SIGINT, wait_seconds: float = 15) -> int:
        """Send `sig` and wait; returns the exit code."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        return await asyncio.wait_for(self.process.wait(), wait_seconds)

    async def kill(self) -> None:
        await self.stop(signal.SIGKILL)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")
