"""Running the real bot against the Bot API emulator: in this process, or as its own process.

The bot in this process (`InProcessBot`) lives in the product, since the playground runs it
too; it is re-exported here for the tests.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL

from available_now.config import Settings
from available_now.launcher import BotProcess, bot_environment
from available_now.playground.running import InProcessBot as InProcessBot
from available_now.playground.running import in_process_bot as in_process_bot
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.limits import RateLimits

from ..data_key import TEST_KEY

TOKEN = "123456789:AAE_e2e-test-token"
GROUP_ID = -1_001_234_567_890
OWNER_ID = 900_000_001
SECOND_OWNER_ID = 900_000_002
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
