"""Stories where a leak, a mix-up of accounts or an impersonation could hurt someone."""

from __future__ import annotations

import pytest

from available_now.db.database import Database
from available_now.db.models import User
from available_now.sandbox import BotAPIEmulator

from ..audit import audit_actions
from .harness import OWNER_ID, InProcessBot
from .stories import open_menu

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
