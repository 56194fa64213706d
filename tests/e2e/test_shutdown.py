"""`docker stop` during a flood-limit storm: the real process exits 0 within 10 s, no traceback."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from available_now.db.database import Database
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import SimGroup

from .harness import GROUP_ID, bot_process
from .stories import approved_model, backdate_everything, complete_profile, go_live

pytestmark = pytest.mark.e2e


# The shutdown path does not depend on the database; one backend keeps the test short.
@pytest.mark.parametrize("backend", ["sqlite"])
async def test_sigterm_during_a_429_storm_exits_0_within_10_seconds(
    emulator: BotAPIEmulator, group: SimGroup, database_url: URL, db: Database, workdir: Path
) -> None:
    process = bot_process(emulator, database_url, workdir)
    await process.started(emulator)
    try:
        model = await approved_model(emulator, db)
        await complete_profile(model)
        await go_live(model)
        # Telegram pauses every delete in the group for a minute; the listing falls due.
        for method in ("deleteMessages", "deleteMessage"):
            emulator.fail_next(method, 429, retry_after=60, times=1000, chat_id=GROUP_ID)
        await backdate_everything(db)
        await emulator.wait_for_request(
            "deleteMessages", lambda call: call.error_code == 429, timeout=15
        )
        # A member asks for help meanwhile: the handler's answer waits out the group's pause in
        # the rate limiter, so an update is in hand when the signal comes. (`/available` no
        # longer answers from the handler: the outbox draws the list.)
        member = emulator.user(user_id=5_000_000_900, first_name="Member")
        group.add_member(member)
        await member.send("/help", chat=group)
        await emulator.wait_for_request("getUpdates", after=len(emulator.requests))
        await asyncio.sleep(0.5)
    except BaseException:
        await process.kill()
        raise
    loop = asyncio.get_running_loop()
    signalled = loop.time()
    exit_code = await process.stop(signal.SIGTERM, wait_seconds=20)
    took = loop.time() - signalled
    output = process.output()
    assert exit_code == 0, output
    assert took < 10, f"stopping took {took:.1f} s"
    assert "Traceback" not in output
    assert "TimeoutError" not in output
    assert "cancelling 1 update(s) still in hand" in output
    # The worker asked once and parked the group instead of retrying inside the limiter.
    assert len(emulator.calls("deleteMessages")) == 1
