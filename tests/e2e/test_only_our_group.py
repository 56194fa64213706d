"""The bot serves its own group only, and knows when it loses it (or its rights there)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.engine import URL

from available_now.db.database import Database
from available_now.db.models import Listing, ScheduledDeletion
from available_now.domain.clock import ManualClock
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import MessageView, SimGroup, SimUser

from ..audit import audit_actions
from .harness import BOT_USERNAME, GROUP_ID, OWNER_ID, InProcessBot, in_process_bot, settings_for
from .stories import approved_model, complete_profile, go_live, open_menu

pytestmark = pytest.mark.e2e

GOODBYE = "This bot serves a private community; it leaves now."
FOREIGN_ID = -1_009_999_000_001


async def _owner(emulator: BotAPIEmulator) -> SimUser:
    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia", username="owner")
    await open_menu(owner)
    return owner


def _notices(owner: SimUser, words: str) -> list[MessageView]:
    return [m for m in owner.private_chat.bot_messages() if words in m.text]


async def _left(emulator: BotAPIEmulator, group: SimGroup, times: int) -> None:
    await group.wait_until(lambda _: group.bot_status == "left", what="the bot leaving")
    assert len(emulator.calls("leaveChat")) >= times


async def test_available_in_a_foreign_group_gets_one_line_and_the_bot_leaves(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database, clock: ManualClock
) -> None:
    owner = await _owner(emulator)
    sam = emulator.user(user_id=5_100_000_001, first_name="Sam", username="sam")
    foreign = emulator.create_group(FOREIGN_ID, "Strangers & <co>")
    foreign.add_member(sam, status="creator")

    # The bot is no admin there: in privacy mode only a command addressed to it reaches it.
    await sam.send(f"/available@{BOT_USERNAME}", chat=foreign)
    await _left(emulator, foreign, times=1)
    assert [m.text for m in foreign.bot_messages()] == [GOODBYE]
    notice = await owner.wait_for_message(lambda m: "Strangers & <co>" in m.text)
    assert str(FOREIGN_ID) in notice.text
    assert "TARGET_GROUP_ID" in notice.text
    # Nothing of the community was shown there, and nobody was registered from there.
    assert not any("Available now" in m.text or "Nobody" in m.text for m in foreign.bot_messages())
    assert "register_user" not in await audit_actions(db, sam.id)

    # Added again (a my_chat_member update and the service message): one more line, gone
    # again, and the owners are not told twice within the hour.
    clock.advance(timedelta(minutes=2))
    await foreign.add_bot(by=sam)
    await _left(emulator, foreign, times=2)
    await foreign.wait_until(lambda _: len(foreign.bot_messages()) == 2, what="a second goodbye")
    assert [m.text for m in foreign.bot_messages()] == [GOODBYE, GOODBYE]
    await open_menu(owner)  # a round trip: whatever the bot was about to send has been sent
    assert len(_notices(owner, "Strangers")) == 1

    # An hour later the owners hear of it again.
    clock.advance(timedelta(hours=1))
    await foreign.add_bot(by=sam, admin=True)
    await owner.wait_for_message(lambda m: "Strangers & <co>" in m.text)
    assert len(_notices(owner, "Strangers")) == 2
    assert foreign.bot_status == "left"


async def test_the_bot_asks_for_its_own_membership_updates(
    emulator: BotAPIEmulator, bot: InProcessBot
) -> None:
    await emulator.wait_for_request("getUpdates")
    allowed = emulator.calls("getUpdates")[-1].params["allowed_updates"]
    assert "my_chat_member" in allowed
    assert "message" in allowed


async def _pending_removals(db: Database) -> list[ScheduledDeletion]:
    async with db.read() as session:
        return list(
            await session.scalars(
                select(ScheduledDeletion).where(ScheduledDeletion.deleted_at.is_(None))
            )
        )


async def test_removed_while_a_model_is_live_then_added_back(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    owner = await _owner(emulator)
    group.add_member(owner, status="creator")
    model = await approved_model(emulator, db)
    await complete_profile(model)
    await go_live(model)
    assert len(group.bot_messages()) == 1

    deletes_before = len(emulator.calls("deleteMessages")) + len(emulator.calls("deleteMessage"))
    await group.kick_bot(by=owner)
    told = await model.wait_for_message(lambda m: "lost access to the group" in m.text)
    assert "🟢 Mark available" in told.button_texts
    notice = await owner.wait_for_message(lambda m: "I am not in the group" in m.text)
    assert "1 message I posted there may still be visible" in notice.text

    async with db.read() as session:
        [listing] = list(await session.scalars(select(Listing)))
    assert listing.deleted_at is not None
    assert listing.ended_reason == "bot_removed"
    assert await _pending_removals(db) == []
    actions = await audit_actions(db)
    assert "end_listing" in actions
    assert "abandon_deletions" in actions
    # No removal is tried in a chat the bot cannot reach.
    await bot.advance(timedelta(hours=3))
    deletes_after = len(emulator.calls("deleteMessages")) + len(emulator.calls("deleteMessage"))
    assert deletes_after == deletes_before

    await model.send("/available")
    refusal = await model.wait_for_message(lambda m: "cannot go live" in m.text)
    assert "the bot is not in the group" in refusal.text
    assert "owners have been told" in refusal.text

    # Added back as a plain member: still no going live, and the owners hear what is missing.
    await group.add_bot(by=owner)
    await owner.wait_for_message(lambda m: "not an administrator" in m.text)
    await model.send("/available")
    refusal = await model.wait_for_message(lambda m: "cannot go live" in m.text)
    assert "missing a right" in refusal.text

    await group.promote_bot(by=owner)
    await owner.wait_for_message(lambda m: "models can go live" in m.text)
    await go_live(model)
    assert len([m for m in group.bot_messages() if m.kind == "photo"]) == 2


async def test_without_delete_rights_live_listings_stay_and_nobody_new_goes_live(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    owner = await _owner(emulator)
    group.add_member(owner, status="creator")
    model = await approved_model(emulator, db)
    await complete_profile(model)
    await go_live(model)

    await group.promote_bot(by=owner, can_delete_messages=False)
    await owner.wait_for_message(lambda m: "without the “Delete messages” right" in m.text)
    # Her listing stays live until it ends...
    async with db.read() as session:
        [listing] = list(await session.scalars(select(Listing)))
    assert listing.deleted_at is None
    assert len(group.bot_messages()) == 1
    menu = await open_menu(model)
    await model.press(menu, "🟢 Mark available")
    status = await model.wait_for_message(
        lambda m: "live" in m.text and "End now" in str(m.buttons)
    )
    await model.press(status, "⏹ End now")
    await model.wait_for_message(lambda m: "was ended" in m.text)
    # ...but nobody goes live again until the right is back.
    await model.send("/available")
    await model.wait_for_message(lambda m: "missing a right" in m.text)

    await group.promote_bot(by=owner)
    await owner.wait_for_message(lambda m: "models can go live" in m.text)
    await go_live(model)


@pytest.mark.parametrize(
    ("bot_in_group", "problem", "owner_reads"),
    [
        ("member", "is a member of the group", "not an administrator"),
        ("absent", "is not in the group", "I am not in the group"),
    ],
)
async def test_start_up_without_rights_says_what_is_wrong(
    emulator: BotAPIEmulator,
    database_url: URL,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
    bot_in_group: str,
    problem: str,
    owner_reads: str,
) -> None:
    if bot_in_group == "member":
        emulator.create_group(chat_id=GROUP_ID, title="Models", bot_is_admin=False)
    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia", username="owner")
    await owner.send("/start")  # she opened the bot before this start-up
    with caplog.at_level(logging.WARNING, logger="available_now"):
        async with in_process_bot(settings_for(emulator, database_url), clock):
            await owner.wait_for_message(lambda m: owner_reads in m.text)
            lines = [r.getMessage() for r in caplog.records if "TARGET_GROUP_ID" in r.getMessage()]
            assert len(lines) == 1
            assert problem in lines[0]
            assert "'Delete messages'" in lines[0]
            assert "\n" not in lines[0]
            # The bot keeps serving: the owner's /start was answered too.
            await owner.wait_for_message(lambda m: "Owner panel" in m.text)
