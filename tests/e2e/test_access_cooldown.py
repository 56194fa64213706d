"""A rejected model is told when she may ask again, and cannot ask before."""

from __future__ import annotations

from datetime import timedelta

import pytest

from available_now.db.database import Database
from available_now.domain.clock import ManualClock
from telegram_sandbox import BotAPIEmulator

from ..audit import audit_actions
from .harness import OWNER_ID, InProcessBot
from .stories import open_menu

pytestmark = pytest.mark.e2e


async def test_after_a_rejection_she_may_ask_again_after_the_cooldown(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database, clock: ManualClock
) -> None:
    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia")
    await open_menu(owner)
    bea = emulator.user(user_id=5_200_000_002, first_name="Bea", username="bea")
    menu = await open_menu(bea)
    await bea.press(menu, "🙋 Request access")
    request = await owner.wait_for_message(lambda m: "Access request" in m.text)
    rejected_at = clock.now()
    await owner.press(request, "❌ Reject")
    await bea.wait_for_message(lambda m: "not approved this time" in m.text)

    await bot.advance(timedelta(days=3))
    again = await bea.press(menu, "🙋 Request access")
    retry_at = (rejected_at + timedelta(days=7)).strftime("%Y-%m-%d %H:%M")
    assert again.show_alert
    assert "You can ask again from" in (again.text or "")
    assert retry_at in (again.text or "")
    assert (await audit_actions(db)).count("request_access") == 1

    await bot.advance(timedelta(days=4, minutes=2))
    await bea.press(menu, "🙋 Request access")
    await bea.wait_for_message(lambda m: "sent to the group's owners" in m.text)
    second = await owner.wait_for_message(
        lambda m: "Access request" in m.text and m.message_id != request.message_id
    )
    assert str(bea.id) in second.text
    assert (await audit_actions(db)).count("request_access") == 2
