"""`python -m available_now …` as a child process, as an operator starts it.

The end-to-end tests and the benchmarks both drive the real bot process against the Bot API
emulator; this is their one way of starting, watching and stopping it. It imports nothing of
the bot: the child process reads its settings from the environment, like any deployment.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from telegram_sandbox import BotAPIEmulator, RoundRobinBalancer

# Settings of the surrounding shell that would otherwise leak into the child's configuration.
SETTING_PREFIXES = (
    "TELEGRAM_",
    "DATABASE_",
    "WEBHOOK_",
    "OWNER_",
    "APPROVED_",
    "DATA_ENCRYPTION_",
    "OUTGOING_",
    "REDIS_",
)


def bot_environment(
    *,
    token: str,
    api_url: str,
    database_url: str,
    group_id: int,
    owner_id: int,
    log_level: str = "INFO",
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """This process's environment without its bot settings, plus the given ones."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(SETTING_PREFIXES)}
    env.update(
        {
            "TELEGRAM_BOT_TOKEN": token,
            "TELEGRAM_API_URL": api_url,
            "DATABASE_URL": database_url,
            "TARGET_GROUP_ID": str(group_id),
            "OWNER_IDS": str(owner_id),
            "LOG_LEVEL": log_level,
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra or {})
    return env


class BotProcess:
    """One bot process; its output goes to `workdir/bot.log`."""

    def __init__(
        self, env: Mapping[str, str], workdir: Path, args: Sequence[str] = ("run",)
    ) -> None:
        self.env = dict(env)
        self.args = list(args)
        self.workdir = workdir
        self.log = workdir / "bot.log"
        self.process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "the bot was not started"
        return self.process.pid

    async def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "available_now",
                *self.args,
                env=self.env,
                cwd=self.workdir,
                stdout=log,
                stderr=log,
            )

    async def started(
        self, emulator: BotAPIEmulator, *, polling: bool = True, within: float = 60
    ) -> None:
        """Start and wait until it serves: its first getUpdates (or setWebhook) arrives.

        Start-up (migrations included) can take seconds on a loaded machine; talking to the
        bot before then would only measure that.
        """
        after = len(emulator.arrivals)
        await self.start()
        method = "getUpdates" if polling else "setWebhook"
        try:
            await emulator.wait_for_call(method, timeout=within, after=after)
        except AssertionError:
            await self.kill()  # never leave a half-started bot running behind a failure
            raise AssertionError(f"the bot did not start:\n{self.output()}") from None

    async def answered(self, reply: asyncio.Future[Any], seconds: float) -> bool:
        """Whether `reply` came within `seconds`; False at once if the bot exits first."""
        assert self.process is not None, "the bot was not started"
        exited: asyncio.Future[Any] = asyncio.ensure_future(self.process.wait())
        try:
            await asyncio.wait(
                [asyncio.shield(reply), exited],
                timeout=seconds,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            exited.cancel()
        return reply.done()

    async def stop(self, sig: int = signal.SIGINT, wait_seconds: float = 15) -> int:
        """Send `sig` and return the exit code; SIGKILL if it has not exited in time."""
        assert self.process is not None, "the bot was not started"
        if self.process.returncode is None:
            self.process.send_signal(sig)
        try:
            return await asyncio.wait_for(self.process.wait(), wait_seconds)
        except TimeoutError:
            self.process.kill()
            return await self.process.wait()

    async def kill(self) -> None:
        await self.stop(signal.SIGKILL)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def start_webhook_instances(
    emulator: BotAPIEmulator,
    env: Mapping[str, str],
    workdir: Path,
    count: int,
    *,
    within: float = 90,
) -> tuple[RoundRobinBalancer, list[BotProcess]]:
    """`count` webhook instances behind a round-robin balancer, each serving when this returns.

    `env` is what they share (`bot_environment` with `WEBHOOK_SECRET`); each gets its own port
    and folder under `workdir`. If they do not all start, they are stopped and the error
    carries their logs.
    """
    from telegram_sandbox import RoundRobinBalancer

    ports = [free_port() for _ in range(count)]
    balancer = RoundRobinBalancer([f"http://127.0.0.1:{port}" for port in ports])
    await balancer.start()
    bots = []
    for index, port in enumerate(ports):
        directory = workdir / f"instance-{index}"
        directory.mkdir()
        own = {"WEBHOOK_URL": balancer.url, "WEBHOOK_LISTEN_PORT": str(port)}
        bots.append(BotProcess({**env, **own}, directory, ("run", "--webhook")))
    after = len(emulator.requests)
    await asyncio.gather(*(bot.start() for bot in bots))
    try:
        for _ in bots:  # each instance says setWebhook once it serves
            found = await emulator.wait_for_request("setWebhook", timeout=within, after=after)
            after = emulator.requests.index(found) + 1
    except AssertionError:
        await asyncio.gather(*(bot.kill() for bot in bots))
        await balancer.stop()
        logs = "\n".join(bot.output()[-2000:] for bot in bots)
        raise AssertionError(f"the instances did not all start:\n{logs}") from None
    return balancer, bots
