"""The bot as an operator starts it: serving soon after it starts, small while idle.

The figures that matter are in docs/performance.md (start-up within 3 s, 120 MB idle, on an
otherwise idle machine); the bounds here leave room for a busy test machine, and catch the
regressions that matter, such as aiogram's types being built at import again.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from telegram_sandbox import BotAPIEmulator

from .harness import bot_process

pytestmark = pytest.mark.e2e

SERVING_WITHIN = 15.0
"""Seconds from start to the first getUpdates, migrations of an empty database included."""
IDLE_RSS_MB = 145.0
"""The target, 120 MB, is for a database already current (docs/performance.md); this start
migrates an empty one first, which loads Alembic (about 11 MB). Eager aiogram types take 210+."""


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc")


async def test_the_bot_process_serves_soon_small_and_within_its_database_budget(
    emulator: BotAPIEmulator, database_url: URL, workdir: Path
) -> None:
    stats = workdir / "stats.json"
    bot = bot_process(
        emulator, database_url, workdir, extra_env={"AVAILABLE_NOW_STATS_FILE": str(stats)}
    )
    begun = time.perf_counter()
    await bot.started(emulator)
    serving = time.perf_counter() - begun
    try:
        idle = resident_mb(bot.pid)
        member = emulator.user(user_id=5_000_000_777, first_name="Mia")
        await member.send("/start")
        await member.wait_for_message(lambda m: "main menu" in m.text)
    finally:
        assert await bot.stop() == 0, bot.output()[-2000:]

    assert serving < SERVING_WITHIN, f"serving after {serving:.1f} s"
    assert idle < IDLE_RSS_MB, f"{idle:.0f} MB resident while idle"
    counted = json.loads(stats.read_text(encoding="utf-8"))
    assert counted["updates"] >= 1
    assert counted["for_updates"]["transactions"] <= 2 * counted["updates"], counted
