"""The real `available-now` process against the emulator: polling, webhook, start-up errors."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select
from sqlalchemy.engine import URL

from available_now.db.database import Database
from available_now.db.models import User
from available_now.launcher import free_port
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import SimGroup
from tests.cli import run_cli

from ..bot.test_webhook import raw_post
from .harness import TOKEN, bot_process

pytestmark = pytest.mark.e2e

# A newcomer (not approved yet) can ask for access or read the help.
MENU_BUTTONS = ["🙋 Request access", "❓ Help"]


async def test_polling_process_shows_the_menu_and_stops_cleanly_on_ctrl_c(
    emulator: BotAPIEmulator, group: SimGroup, database_url: URL, workdir: Path
) -> None:
    approved_id = 5_300_000_003
    bot = bot_process(
        emulator, database_url, workdir, extra_env={"APPROVED_ADMINS": f"{approved_id},77"}
    )
    await bot.started(emulator)
    try:
        alice = emulator.user(user_id=5_000_000_001, first_name="Alice", username="alice")
        await alice.send("/start")
        menu = await alice.wait_for_message(lambda m: "main menu" in m.text, timeout=15)
        assert menu.button_texts == MENU_BUTTONS
        assert "Alice" in menu.text
    finally:
        exit_code = await bot.stop(signal.SIGINT)
    assert exit_code == 0, bot.output()
    output = bot.output()
    assert TOKEN not in output
    assert "Traceback" not in output
    db = Database.from_url(database_url)
    try:
        async with db.transaction() as session:
            users = {u.id: u for u in await session.scalars(select(User))}
    finally:
        await db.dispose()
    assert users[5_000_000_001].username == "alice"
    assert users[approved_id].is_approved_admin
    assert users[77].is_approved_admin
    assert not users[5_000_000_001].is_approved_admin


async def test_webhook_process_serves_updates_and_rejects_a_wrong_secret(
    emulator: BotAPIEmulator, group: SimGroup, database_url: URL, workdir: Path
) -> None:
    port = free_port()
    secret = "webhook-Secret_123"
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    bot = bot_process(
        emulator,
        database_url,
        workdir,
        args=("run", "--webhook"),
        extra_env={
            "WEBHOOK_URL": url,
            "WEBHOOK_SECRET": secret,
            "WEBHOOK_LISTEN_PORT": str(port),
        },
    )
    await bot.started(emulator, polling=False)
    try:
        alice = emulator.user(user_id=5_000_000_001, first_name="Alice", username="alice")
        await alice.send("/start")
        menu = await alice.wait_for_message(lambda m: "main menu" in m.text, timeout=15)
        assert menu.button_texts == MENU_BUTTONS
        assert any(status == 200 for _, status in emulator.webhook_deliveries)

        forged = {"update_id": 999, "message": {"message_id": 1, "date": 0, "chat": {}}}
        async with aiohttp.ClientSession() as http:
            for headers in ({"X-Telegram-Bot-Api-Secret-Token": "wrong"}, {}):
                async with http.post(url, json=forged, headers=headers) as response:
                    assert response.status == 401
        # A secret no client library would send (not ASCII) is refused the same way.
        body = json.dumps(forged).encode()
        assert await raw_post(port, "sécret".encode(), body, "/telegram/webhook") == 401
        subscribed = emulator.calls("setWebhook")[-1].params["allowed_updates"]
        assert "my_chat_member" in subscribed
    finally:
        exit_code = await bot.stop(signal.SIGTERM)
    assert exit_code == 0, bot.output()
    assert secret not in bot.output()
    assert TOKEN not in bot.output()


def _bare_env(**values: str) -> dict[str, str]:
    import os

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DATABASE_", "LISTING_", "WEBHOOK_"))
    }
    env.update(values)
    return env


async def test_without_a_token_run_says_in_one_line_what_to_set(workdir: Path) -> None:
    code, stdout, stderr = await run_cli(workdir, _bare_env(), "run")
    assert code == 2
    assert stderr.strip().count("\n") == 0
    assert "TELEGRAM_BOT_TOKEN is not set" in stderr
    assert "Traceback" not in stderr + stdout


async def test_bad_configuration_is_one_line_naming_the_variable(workdir: Path) -> None:
    env = _bare_env(TELEGRAM_BOT_TOKEN=TOKEN, LISTING_DURATIONS="2,72")
    code, _, stderr = await run_cli(workdir, env, "run")
    assert code == 2
    assert stderr.strip().count("\n") == 0
    assert "LISTING_DURATIONS" in stderr
    assert TOKEN not in stderr


async def test_db_upgrade_and_current(workdir: Path) -> None:
    env = _bare_env(DATABASE_URL=f"sqlite:///{workdir / 'cli.db'}")
    code, stdout, _ = await run_cli(workdir, env, "db", "upgrade")
    assert code == 0
    assert "database at revision" in stdout
    code, stdout, _ = await run_cli(workdir, env, "db", "current")
    assert code == 0
    current, newest = stdout.strip().removeprefix("current: ").split("; newest: ")
    assert current == newest


async def test_an_unreachable_bot_api_is_one_clear_line(workdir: Path) -> None:
    env = _bare_env(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=f"http://127.0.0.1:{free_port()}",
        DATABASE_URL=f"sqlite:///{workdir / 'offline.db'}",
    )
    code, _, stderr = await run_cli(workdir, env, "run")
    assert code == 2
    assert "error: cannot reach the Telegram Bot API" in stderr
    assert "Traceback" not in stderr
    assert TOKEN not in stderr
