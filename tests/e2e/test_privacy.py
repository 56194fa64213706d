"""Stories where a leak, a mix-up of accounts or an impersonation could hurt someone."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from available_now.db.database import Database
from available_now.db.models import Profile, User
from available_now.db.repositories.audit import AuditTrail
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import SimGroup

from ..audit import audit_actions
from .harness import OWNER_ID, InProcessBot
from .stories import answer, approved_model, complete_profile, go_live, open_menu, press

pytestmark = pytest.mark.e2e

STALE_ID, CURRENT_ID = 5_600_000_001, 5_600_000_002


async def test_an_approve_by_a_username_two_stale_accounts_share_acts_on_neither(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    # Rows from before usernames were released in every case: one name, two accounts.
    async with db.transaction() as session:
        session.add_all(
            [
                User(id=STALE_ID, username="sophie_x", first_name="Once Sophie"),
                User(id=CURRENT_ID, username="Sophie_X", first_name="Sophie"),
            ]
        )
    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia")
    await open_menu(owner)

    await owner.send("/approve @Sophie_X")
    refused = await owner.wait_for_message(lambda m: "More than one account" in m.text)
    assert "I did nothing" in refused.text
    assert refused.text.index(str(CURRENT_ID)) < refused.text.index(str(STALE_ID))
    async with db.transaction() as session:
        for user_id in (STALE_ID, CURRENT_ID):
            account = await session.get(User, user_id)
            assert account is not None
            assert not account.is_approved_admin
    assert "approve_user" not in await audit_actions(db)

    await owner.send(f"/approve {CURRENT_ID}")
    await owner.wait_for_message(lambda m: "Sophie" in m.text and "approved by Olivia" in m.text)
    async with db.transaction() as session:
        stale = await session.get(User, STALE_ID)
        current = await session.get(User, CURRENT_ID)
    assert stale is not None
    assert current is not None
    assert (stale.is_approved_admin, current.is_approved_admin) == (False, True)


async def test_her_telegram_contact_is_her_own_username_and_follows_it(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db, username="sophie_x")
    menu = await open_menu(model)
    await press(model, menu, "📝 Create profile", "Step 1 of 9")
    services = await answer(model, "Sophie", "Step 2 of 9")
    kinds = await press(model, services, "📍 In person", "incall")
    await press(model, kinds, "Incall & outcall", "Where?")
    services = await answer(model, "Central London", "Which services")
    await press(model, services, "✔️ Done", "Step 3 of 9")
    methods = await answer(model, "Warm and discreet", "Step 4 of 9")
    ask = await press(model, methods, "💬 Telegram", "Telegram username")
    assert "Use @sophie_x" in ask.button_texts

    await model.send("@the_agency")
    refused = await model.wait_for_message(lambda m: "can only be your own" in m.text)
    assert "@sophie_x" in refused.text
    assert await _telegram_contact(db, model.id) is None
    await answer(model, "https://t.me/Sophie_X", "Step 5 of 9")
    assert await _telegram_contact(db, model.id) == "sophie_x"

    # She renames herself in Telegram; the next thing she sends brings the new name along.
    model.record.username = "sophie_new"
    await open_menu(model)
    assert await _telegram_contact(db, model.id) == "sophie_new"
    model.record.username = None
    await open_menu(model)
    assert await _telegram_contact(db, model.id) is None


async def _telegram_contact(db: Database, user_id: int) -> str | None:
    async with db.read() as session:
        profile = await session.scalar(select(Profile).where(Profile.user_id == user_id))
    assert profile is not None
    return profile.telegram_username


async def test_a_profile_built_shown_and_deleted_leaves_no_value_in_the_trail(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db, username="sophie_private", first_name="Sophia")
    await complete_profile(model)
    await go_live(model)
    assert any("Central London" in m.text for m in group.visible_messages())
    menu = await open_menu(model)
    card = await press(model, menu, "👤 My profile", "Sophie")
    await press(model, card, "Rates", "What are your rates")
    edit_menu = await answer(model, "1 h 250 £", "Saved ✅")
    confirm = await press(model, edit_menu, "🗑 Delete profile", "cannot be undone")
    await model.press(confirm, "🗑 Delete everything")
    await model.wait_for_message(lambda m: "Deleted." in m.text)

    actions = await audit_actions(db, model.id)
    assert {"create_profile", "update_profile", "mark_available", "erase_user"} <= set(actions)
    async with db.read() as session:
        rows = (await session.execute(text("SELECT CAST(details AS TEXT) FROM audit_log"))).all()
        entries = await AuditTrail(session).entries(limit=10_000)
    texts = [row[0] for row in rows] + [
        json.dumps(entry.details, ensure_ascii=False) for entry in entries
    ]
    for value in (
        "Sophie",
        "Sophia",
        "sophie_private",
        "+442079460958",
        "7946",
        "Central London",
        "Warm",
        "200 £",
        "250 £",
    ):
        assert not any(value.lower() in row.lower() for row in texts), value
