"""The worker under Telegram's flood limits and restarts: one chat's pause holds up nothing else,
and notices to models survive a restart."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from available_now.db.database import Database
from available_now.db.models import PendingNotice
from available_now.domain.clock import ManualClock
from available_now.domain.listings import MessagePurpose
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import SimGroup

from .harness import GROUP_ID, InProcessBot
from .stories import approved_model, complete_profile, go_live, open_menu

pytestmark = pytest.mark.e2e

EXPIRED = "listing ended"


async def _queued_notices(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(PendingNotice)) or 0)


def _deletes_in(emulator: BotAPIEmulator, chat_id: int) -> list[bool]:
    """Whether each delete call into `chat_id` succeeded, in order."""
    calls = emulator.calls("deleteMessages") + emulator.calls("deleteMessage")
    return [call.ok for call in calls if str(call.params.get("chat_id")) == str(chat_id)]


async def test_a_flood_pause_in_the_group_holds_up_nothing_else(
    emulator: BotAPIEmulator,
    group: SimGroup,
    bot: InProcessBot,
    db: Database,
    clock: ManualClock,
) -> None:
    from available_now.services.listings import ListingService

    sophie = await approved_model(emulator, db)
    await complete_profile(sophie)
    await go_live(sophie)
    post = group.last_bot_message()
    assert post is not None
    # Another chat has a message due for removal at the same moment: Anna's menu.
    anna = await approved_model(emulator, db, user_id=5_000_000_002, first_name="Anna")
    menu = await open_menu(anna)
    listings = ListingService(db, durations=[2], clock=clock)
    await listings.schedule_removal(
        anna.id, [menu.message_id], MessagePurpose.COMMAND, timedelta(hours=2)
    )
    # The group is in a flood pause of a minute for every delete.
    for method in ("deleteMessages", "deleteMessage"):
        emulator.fail_next(method, 429, retry_after=60, times=100, chat_id=GROUP_ID)

    # Before the fix the pass slept inside the rate limiter for minutes; now it parks the
    # group and finishes at once: Anna's chat is cleaned and Sophie is told.
    await asyncio.wait_for(bot.advance(timedelta(hours=2, seconds=1)), 10)
    await sophie.wait_for_message(lambda m: EXPIRED in m.text, timeout=5)
    assert all(m.message_id != menu.message_id for m in anna.private_chat.visible_messages())
    assert any(m.message_id == post.message_id for m in group.visible_messages())
    assert _deletes_in(emulator, GROUP_ID) == [False]  # asked once, not retried in a loop

    # Passes inside the pause leave the group alone.
    await asyncio.wait_for(bot.advance(timedelta(seconds=30)), 10)
    assert _deletes_in(emulator, GROUP_ID) == [False]

    # Once the pause is over the post comes down.
    emulator.api.failures.clear()
    await bot.advance(timedelta(seconds=31))
    await group.wait_until(lambda shown: all(m.message_id != post.message_id for m in shown))
    assert _deletes_in(emulator, GROUP_ID) == [False, True]


async def test_a_queued_notice_is_sent_after_a_restart(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    sophie = await approved_model(emulator, db)
    await complete_profile(sophie)
    await go_live(sophie)
    # Telegram fails the notice once (a 502): it stays queued, to be tried again in 2 s.
    emulator.fail_next("sendMessage", 502, chat_id=sophie.id)
    await bot.advance(timedelta(hours=2, seconds=1))
    await group.wait_until(lambda shown: not any(m.from_bot for m in shown))
    assert not any(EXPIRED in m.text for m in sophie.private_chat.visible_messages())
    assert await _queued_notices(db) == 1

    await bot.restart()
    await bot.advance(timedelta(seconds=3))
    await sophie.wait_for_message(lambda m: EXPIRED in m.text, timeout=5)
    assert await _queued_notices(db) == 0
    assert len([m for m in sophie.private_chat.visible_messages() if EXPIRED in m.text]) == 1


async def test_a_model_who_blocked_the_bot_is_not_written_to_again(
    emulator: BotAPIEmulator,
    group: SimGroup,
    bot: InProcessBot,
    db: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sophie = await approved_model(emulator, db)
    await complete_profile(sophie)
    await go_live(sophie)
    await sophie.block_bot()
    with caplog.at_level(logging.INFO, logger="available_now.workers.notices"):
        await bot.advance(timedelta(hours=2, seconds=1))
        await bot.advance(timedelta(minutes=10))
    refused = [
        call
        for call in emulator.calls("sendMessage")
        if str(call.params.get("chat_id")) == str(sophie.id)
    ]
    assert [call.error_code for call in refused[-1:]] == [403]
    assert len([c for c in refused if c.error_code == 403]) == 1
    assert await _queued_notices(db) == 0
    [dropped] = [r for r in caplog.records if "dropped" in r.getMessage()]
    assert "listing_ended" in dropped.getMessage()


async def test_a_notice_held_up_until_the_next_day_names_the_day(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    sophie = await approved_model(emulator, db)
    await complete_profile(sophie)
    ends = bot.clock.now() + timedelta(hours=2)
    await go_live(sophie)
    emulator.fail_next("sendMessage", 502, chat_id=sophie.id)
    await bot.advance(timedelta(hours=2, seconds=1))
    await group.wait_until(lambda shown: not any(m.from_bot for m in shown))
    # Her notice cannot go out until the next day; then it says which day she ended.
    await bot.restart()
    await bot.advance(timedelta(days=1))
    ended = await sophie.wait_for_message(lambda m: EXPIRED in m.text, timeout=5)
    assert ends.strftime("%a %H:%M UTC") in ended.text
