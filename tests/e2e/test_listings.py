"""Going live and coming down on time, through restarts, crashes and Telegram's errors."""

from __future__ import annotations

import html
import re
import signal
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import URL

from available_now.db.database import Database
from available_now.db.models import Listing, ScheduledDeletion
from available_now.domain.audit import ApprovalSource
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import MessageView, SimGroup, SimUser

from ..audit import audit_actions
from .harness import InProcessBot, bot_process
from .stories import (
    approved_model,
    backdate_everything,
    complete_profile,
    eventually,
    go_live,
    open_menu,
)

pytestmark = pytest.mark.e2e


async def _listing_rows(db: Database) -> list[Listing]:
    async with db.transaction() as session:
        return list(await session.scalars(select(Listing).order_by(Listing.id)))


async def _pending_removals(db: Database) -> list[ScheduledDeletion]:
    async with db.read() as session:
        return list(
            await session.scalars(
                select(ScheduledDeletion).where(ScheduledDeletion.deleted_at.is_(None))
            )
        )


async def test_post_extend_and_end_early(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    await complete_profile(model)
    confirmation = await go_live(model, "2 h")
    post = group.last_bot_message()
    assert post is not None
    assert post.kind == "photo"
    assert "Sophie" in post.text
    assert "Available until" in post.text or "available until" in post.text.lower()
    assert (post.button("👤 Full profile & gallery").url or "").startswith(
        "https://t.me/available_now_bot?start=p_"
    )

    await model.press(confirmation, "+4 h")
    extended = await model.wait_for_message(lambda m: "Extended" in m.text)
    new_end = re.search(r"until (.+?)[.\n]", extended.text)
    assert new_end is not None, extended.text

    async def post_redrawn() -> bool:
        # The outbox redraws her post with the new end shortly after.
        edited = emulator.message(group, post.message_id)
        return edited is not None and edited.edited and new_end.group(1) in edited.text

    await eventually(post_redrawn, seconds=10, what="the post to show the new end")
    [listing] = await _listing_rows(db)
    assert listing.expires_at - listing.posted_at > listing.expires_at - listing.expires_at

    menu = await open_menu(model)
    await model.press(menu, "🟢 Mark available")
    status = await model.wait_for_message(
        lambda m: "You are <b>live</b>" in m.html or "live" in m.text
    )
    await model.press(status, "⏹ End now")
    await model.wait_for_message(lambda m: "was ended" in m.text)
    await group.wait_until(lambda shown: all(m.message_id != post.message_id for m in shown))
    [listing] = await _listing_rows(db)
    assert listing.deleted_at is not None
    assert listing.ended_reason == "ended"
    expected = {"mark_available", "extend_listing", "end_listing", "delete_listing"}

    async def all_audited() -> bool:
        # The removal is written down just after Telegram confirms it.
        return expected <= set(await audit_actions(db))

    await eventually(all_audited, seconds=10, what="every step in the audit trail")


async def test_expires_on_time_and_tells_the_model(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    await complete_profile(model)
    await go_live(model, "4 h")
    assert len(group.bot_messages()) == 1
    await bot.advance(timedelta(hours=4) - timedelta(minutes=1))
    assert len(group.bot_messages()) == 1  # a minute early: still up
    [listing] = await _listing_rows(db)
    assert listing.deleted_at is None
    await bot.advance(timedelta(minutes=1, seconds=1))
    await model.wait_for_message(lambda m: "listing ended" in m.text, timeout=10)
    assert not any(m.from_bot for m in group.visible_messages())
    [listing] = await _listing_rows(db)
    assert listing.ended_reason == "expired"
    actions = await audit_actions(db)
    assert actions.count("expire_listing") == 1
    assert actions.count("delete_listing") == 1


async def test_a_storm_of_429s_loses_nothing(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    await complete_profile(model)
    await go_live(model)
    emulator.fail_next("deleteMessages", error_code=429, retry_after=1, times=3)
    emulator.fail_next("deleteMessage", error_code=429, retry_after=1, times=3)
    await bot.advance(timedelta(hours=2, seconds=1))
    await group.wait_until(lambda shown: not any(m.from_bot for m in shown), timeout=20)

    async def nothing_pending() -> bool:
        return await _pending_removals(db) == []

    await eventually(nothing_pending, what="every removal to be recorded")
    assert len(emulator.errors(429)) >= 1


async def test_a_post_deleted_by_hand_is_closed_cleanly(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    await complete_profile(model)
    await go_live(model)
    post = group.last_bot_message()
    assert post is not None
    emulator.delete_message_as_admin(group, post.message_id)
    await bot.advance(timedelta(hours=2, seconds=1))
    await model.wait_for_message(lambda m: "listing ended" in m.text, timeout=10)
    async with db.read() as session:
        deletion = await session.scalar(select(ScheduledDeletion))
    assert deletion is not None
    assert deletion.deleted_at is not None


async def test_past_the_48_hour_window_the_post_says_it_ended(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    await complete_profile(model)
    await go_live(model)
    post = group.last_bot_message()
    assert post is not None
    await bot.advance(timedelta(hours=49))  # for Telegram too: the post is too old to delete
    ended = emulator.message(group, post.message_id)
    assert ended is not None
    assert "has ended" in ended.text
    assert "message_delete_failed" in await audit_actions(db)
    assert await _pending_removals(db) == []


async def test_available_in_the_group_lists_live_models_and_cleans_up(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    sophie = await approved_model(emulator, db)
    mia = await approved_model(
        emulator, db, user_id=5_000_000_002, first_name="Mia", username="mia"
    )
    member = emulator.user(user_id=7_000_000_007, first_name="Max")
    for user in (sophie, mia, member):
        group.add_member(user)
    await member.send("/available", chat=group)
    empty = await member.wait_for_message(chat=group)
    assert "Nobody is available" in empty.text

    await complete_profile(sophie)
    await go_live(sophie)
    # The living list follows her going live; asking again refreshes it, never a second one.
    await member.send("/available@available_now_bot", chat=group)

    def lists() -> list[MessageView]:
        return [m for m in group.visible_messages() if m.from_bot and m.kind == "text"]

    await eventually(
        lambda: _true(len(lists()) == 1 and "Sophie" in lists()[0].text), what="list shows her"
    )
    [listing] = lists()
    assert "Mia" not in listing.text
    [link] = re.findall(r'href="([^"]+)"', listing.html)

    # The member opens her profile from the list: full profile and gallery, privately.
    await member.open_link(html.unescape(link))
    full = await member.wait_for_message(lambda m: "Sophie" in m.text)
    assert full.kind == "text"
    await member.wait_for_message(lambda m: m.kind in {"photo", "video"})

    # Members' commands are deleted as they arrive; the list itself waits for its time.
    bot.clock.advance(timedelta(minutes=bot.settings.available_list_ttl_minutes, seconds=1))
    await bot.outbox_pass()
    await bot.expiry_pass()
    # Only her listing post is left: the answers and the commands that asked for them are gone.
    assert [m.kind for m in group.visible_messages()] == ["photo"]


async def test_listings_outlive_a_crash(
    emulator: BotAPIEmulator,
    group: SimGroup,
    database_url: URL,
    db: Database,
    workdir: Path,
) -> None:
    process = bot_process(emulator, database_url, workdir)
    await process.started(emulator)
    try:
        model = await approved_model(emulator, db)
        await complete_profile(model)
        await go_live(model)
        assert len(group.bot_messages()) == 1
    finally:
        await process.stop(signal.SIGKILL)
    await backdate_everything(db)
    restarted = bot_process(emulator, database_url, workdir)
    await restarted.started(emulator)
    try:
        await group.wait_until(lambda shown: not any(m.from_bot for m in shown), timeout=30)
        await model.wait_for_message(lambda m: "listing ended" in m.text, timeout=10)
    finally:
        assert await restarted.stop() == 0
    assert (await audit_actions(db)).count("expire_listing") == 1


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_two_instances_expire_each_listing_exactly_once(
    emulator: BotAPIEmulator, group: SimGroup, database_url: URL, db: Database, workdir: Path
) -> None:
    from available_now.domain.profiles import ContactMethod, ServiceOffer, ServiceType
    from available_now.launcher import free_port
    from available_now.services.listings import ListingService
    from available_now.services.profiles import ProfileService
    from available_now.services.users import UserService

    listings = ListingService(db, durations=[2])
    for index in range(6):
        user_id = 5_000_000_100 + index
        await UserService(db).approve_many([user_id], source=ApprovalSource.APPROVED_ADMINS)
        profiles = ProfileService(db)
        await profiles.start(user_id, f"Model {index}")
        await profiles.save_service(user_id, ServiceOffer(ServiceType.OTHER, other_service="x"))
        await profiles.set_text(user_id, "about", "Hi")
        await profiles.set_contact(user_id, ContactMethod.EMAIL, "m@example.com")
        await profiles.set_text(user_id, "rates", "Ask")
        await profiles.complete(user_id)
        result = await listings.start(user_id, group.id, 2)
        assert result.listing is not None

    instances = []
    for _ in range(2):
        port = free_port()
        instances.append(
            bot_process(
                emulator,
                database_url,
                workdir,
                args=("run", "--webhook"),
                extra_env={
                    "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/webhook",
                    "WEBHOOK_SECRET": "two-instances",
                    "WEBHOOK_LISTEN_PORT": str(port),
                },
            )
        )
    for instance in instances:
        await instance.started(emulator, polling=False)
    try:
        # The outbox of either instance posts the six listings, each exactly once.
        shown = await group.wait_until(
            lambda shown: sum(1 for m in shown if m.from_bot) == 6, timeout=30
        )
        posts = [m.message_id for m in shown if m.from_bot]
        await backdate_everything(db)
        await group.wait_until(lambda shown: not any(m.from_bot for m in shown), timeout=30)

        async def all_recorded() -> bool:
            return await _pending_removals(db) == [] and all(
                listing.deleted_at is not None for listing in await _listing_rows(db)
            )

        # Once every row is done neither instance can claim it again; stopping them (below)
        # waits for any pass still running, so a duplicate would be in the requests by then.
        await eventually(all_recorded, seconds=30, what="every expiry and removal recorded")
    finally:
        for instance in instances:
            assert await instance.stop(signal.SIGTERM) == 0, instance.output()

    deleted_ids: list[int] = []
    for request in emulator.calls("deleteMessages") + emulator.calls("deleteMessage"):
        if request.ok:
            ids = request.params.get("message_ids") or [request.params.get("message_id")]
            deleted_ids += [int(i) for i in ids]
    assert sorted(deleted_ids) == sorted(posts)
    group_sends = [
        c
        for c in emulator.calls("sendMessage")
        if c.ok and str(c.params.get("chat_id")) == str(group.id)
    ]
    assert len(group_sends) == len(posts), "each listing posted exactly once"
    actions = await audit_actions(db)
    assert actions.count("expire_listing") == len(posts)
    assert actions.count("delete_listing") == len(posts)


async def test_a_reminder_before_expiry_offers_a_one_tap_extension(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    await complete_profile(model)
    await go_live(model, "2 h")
    await bot.advance(timedelta(minutes=100))
    assert _reminders(model) == []  # 20 minutes before the end: too early
    await bot.advance(timedelta(minutes=10))
    reminder = await model.wait_for_message(lambda m: "Your listing ends at" in m.text, timeout=10)
    assert "+2 h" in reminder.button_texts
    [before] = await _listing_rows(db)
    await model.press(reminder, "+2 h")
    await model.wait_for_message(lambda m: "Extended" in m.text)
    [listing] = await _listing_rows(db)
    assert listing.expires_at == before.expires_at + timedelta(hours=2)
    assert listing.reminder_sent_at is None  # a new reminder is due before the new end
    await bot.expiry_pass()
    assert len(_reminders(model)) == 1  # but not at once
    await bot.advance(timedelta(hours=2))
    assert len(_reminders(model)) == 2


def _reminders(model: SimUser) -> list[str]:
    return [m.text for m in model.private_chat.bot_messages() if "ends at" in m.text]


async def _true(value: bool) -> bool:
    return value
