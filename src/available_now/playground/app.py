"""The playground: the Bot API emulator, the real bot and a web page, in one process.

Nothing to set up: no token, no Telegram account, no group. The bot runs on a throwaway
SQLite database (or `DATABASE_URL`) against the emulator, and the page at the emulator's
address lets a person be anyone in the cast and use the bot as in Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from available_now.config import Settings
from available_now.domain.clock import ManualClock
from telegram_sandbox import BotAPIEmulator, Clock
from telegram_sandbox.web import WebClient

from .world import (
    BOT_NAME,
    BOT_USERNAME,
    GROUP_ID,
    MODEL_ID,
    OWNER_ID,
    TOKEN,
    Cast,
    cast,
)

if TYPE_CHECKING:
    from .running import InProcessBot

PAGE_TITLE = "Available Now playground"


@dataclass(slots=True)
class Playground:
    emulator: BotAPIEmulator
    bot: InProcessBot
    cast: Cast

    @property
    def url(self) -> str:
        """The page's address (also the Bot API the bot uses)."""
        return self.emulator.base_url + "/"

    async def fast_forward(self, by: timedelta) -> None:
        """Let `by` pass for Telegram and the bot, and have the workers act on it at once:
        listings that ran out are removed, reminders and notices are sent."""
        await self.bot.advance(by)
        await self.bot.outbox_pass()


def playground_settings(
    emulator: BotAPIEmulator, database_url: str, *, data_key: str | None = None
) -> Settings:
    values: dict[str, object] = {
        "telegram_bot_token": TOKEN,
        "telegram_api_url": emulator.base_url,
        "database_url": database_url,
        "target_group_id": GROUP_ID,
        "owner_ids": [OWNER_ID],
        "approved_admins": [MODEL_ID],
    }
    if data_key:
        values["data_encryption_key"] = data_key
    return Settings.model_validate(values)


@contextlib.asynccontextmanager
async def playground(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    database_url: str | None = None,
    data_key: str | None = None,
    serving: Callable[[str], None] = lambda _: None,
) -> AsyncIterator[Playground]:
    """Start everything; `port` 0 takes a free one. Without `database_url` the bot keeps its
    data in a temporary directory removed on exit.

    `serving` is told the page's address as soon as it serves, before the bot has started
    (what people do meanwhile waits for the bot, as updates wait for a bot in Telegram).
    """
    clock = ManualClock()
    emulator = BotAPIEmulator(
        bot_username=BOT_USERNAME, bot_name=BOT_NAME, token=TOKEN, clock=Clock(clock)
    )
    people = cast(emulator)
    page = WebClient(emulator, people.personas(), title=PAGE_TITLE)
    emulator.extend_app(page.install)
    await emulator.start(host, port)
    with contextlib.ExitStack() as files:
        try:
            serving(emulator.base_url + "/")
            # The bot's libraries (seconds of imports) load beside the page, which serves on.
            await asyncio.to_thread(importlib.import_module, f"{__package__}.running")
            from available_now.db.encryption import generate_key

            from .running import in_process_bot

            if database_url is None:
                folder = files.enter_context(tempfile.TemporaryDirectory(prefix="playground-"))
                database_url = f"sqlite:///{Path(folder) / 'playground.db'}"
                data_key = data_key or generate_key()
            settings = playground_settings(emulator, database_url, data_key=data_key)
            async with in_process_bot(settings, clock) as bot:
                running = Playground(emulator, bot, people)
                page.fast_forward = running.fast_forward
                yield running
        finally:
            await emulator.stop()


async def serve_playground(
    host: str,
    port: int,
    database_url: str | None,
    *,
    data_key: str | None = None,
    serving: Callable[[str], None] = lambda _: None,
    ready: Callable[[Playground], None] = lambda _: None,
) -> None:
    """Run the playground until cancelled (Ctrl+C): `serving` is told the page's address as
    soon as it serves, `ready` once the bot runs."""
    async with playground(
        host=host, port=port, database_url=database_url, data_key=data_key, serving=serving
    ) as running:
        ready(running)
        await asyncio.Event().wait()
