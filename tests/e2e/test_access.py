"""Getting access: requests, owners' decisions by button and by command, revocation."""

from __future__ import annotations

import pytest

from available_now.db.database import Database
from available_now.db.models import User
from telegram_sandbox import BotAPIEmulator

from ..audit import audit_actions
from .harness import OWNER_ID, InProcessBot
from .stories import approved_model, open_menu

pytestmark = pytest.mark.e2e


async def test_request_access_and_get_approved_by_an_owner(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia", username="owner")
    await open_menu(owner)
    bea = emulator.user(user_id=5_200_000_002, first_name="Bea", username="bea")
    menu = await open_menu(bea)
    assert menu.button_texts == ["🙋 Request access", "❓ Help"]

    await bea.press(menu, "🙋 Request access")
    await bea.wait_for_message(lambda m: "sent to the group's owners" in m.text)
    request = await owner.wait_for_message(lambda m: "Access request" in m.text)
    assert "@bea" in request.text
    assert str(bea.id) in request.text

    await owner.press(request, "✅ Approve")
    decided = await owner.wait_for_message(lambda m: "approved by Olivia" in m.text)
    assert decided.message_id == request.message_id
    welcome = await bea.wait_for_message(lambda m: "You are approved" in m.text)
    assert "📝 Create profile" in welcome.button_texts
    async with db.transaction() as session:
        stored = await session.get(User, bea.id)
    assert stored is not None
    assert stored.is_approved_admin
    actions = await audit_actions(db, with_actor=True)
    assert ("request_access", bea.id) in actions
    assert ("approve_user", OWNER_ID) in actions


async def test_reject_tells_the_user(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia")
    await open_menu(owner)
    bea = emulator.user(user_id=5_200_000_002, first_name="Bea")
    menu = await open_menu(bea)
    await bea.press(menu, "🙋 Request access")
    request = await owner.wait_for_message(lambda m: "Access request" in m.text)
    await owner.press(request, "❌ Reject")
    await bea.wait_for_message(lambda m: "not approved this time" in m.text)
    assert ("reject_access", OWNER_ID) in await audit_actions(db, with_actor=True)


async def test_only_owners_may_use_owner_commands(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia")
    await open_menu(owner)
    bea = emulator.user(user_id=5_200_000_002, first_name="Bea", username="bea")
    menu = await open_menu(bea)
    await bea.press(menu, "🙋 Request access")
    await owner.wait_for_message(lambda m: "Access request" in m.text)
    again = await bea.press(menu, "🙋 Request access")
    assert "waiting" in (again.text or "")

    for command in (f"/approve {bea.id}", "/pending", f"/revoke {OWNER_ID}"):
        await bea.send(command)
        await bea.wait_for_message(lambda m: "owners only" in m.text)
    actions = await audit_actions(db)
    assert "approve_user" not in actions
    assert "revoke_user" not in actions


async def test_owner_commands_pending_approve_and_revoke(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia")
    await open_menu(owner)
    bea = emulator.user(user_id=5_200_000_002, first_name="Bea", username="Bea_Model")
    menu = await open_menu(bea)
    await bea.press(menu, "🙋 Request access")
    await owner.wait_for_message(lambda m: "Access request" in m.text)

    await owner.send("/pending")
    pending = await owner.wait_for_message(lambda m: "Waiting for a decision" in m.text)
    assert "@Bea_Model" in pending.text
    await owner.send("/approve @bea_model")
    await owner.wait_for_message(lambda m: "approved by Olivia" in m.text)
    await bea.wait_for_message(lambda m: "You are approved" in m.text)
    await owner.send("/revoke @nobody")
    await owner.wait_for_message(lambda m: "don't know @nobody" in m.text)
    await owner.send("/revoke")
    await owner.wait_for_message(lambda m: "Usage: /revoke" in m.text)
    await owner.send(f"/revoke {bea.id}")
    await owner.wait_for_message(lambda m: "revoked by Olivia" in m.text)
    await bea.wait_for_message(lambda m: "access was withdrawn" in m.text)
    actions = await audit_actions(db, with_actor=True)
    assert ("approve_user", OWNER_ID) in actions
    assert ("revoke_user", OWNER_ID) in actions


async def test_approved_admins_from_the_environment_skip_the_request(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    menu = await open_menu(model)
    assert "🙋 Request access" not in menu.button_texts
