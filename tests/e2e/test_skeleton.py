"""The bot skeleton as a user meets it: menu, help, cancel, hints, every button answered."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from available_now.db.database import Database
from available_now.db.models import ConversationState
from available_now.services.profiles import ProfileService
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import SimGroup

from ..audit import audit_actions
from .harness import InProcessBot
from .stories import approved_model, open_menu, press

pytestmark = pytest.mark.e2e


async def test_start_shows_the_main_menu_and_registers_the_user(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    alice = emulator.user(user_id=5_000_000_001, first_name="Alice <3", username="alice")
    await alice.send("/start")
    menu = await alice.wait_for_message(lambda m: "main menu" in m.text)
    assert "Alice &lt;3" in menu.html
    assert menu.button_texts == ["🙋 Request access", "❓ Help"]
    assert await audit_actions(db, alice.id) == ["register_user"]


async def test_help_works_in_private_and_in_the_group(
    emulator: BotAPIEmulator, bot: InProcessBot, group: SimGroup
) -> None:
    alice = emulator.user(user_id=5_000_000_001, first_name="Alice")
    group.add_member(alice)
    await alice.send("/help")
    private_help = await alice.wait_for_message(lambda m: "How Available Now works" in m.text)
    await alice.press(private_help, "⬅️ Main menu")
    await alice.wait_for_message(lambda m: "main menu" in m.text)
    await alice.send("/help@available_now_bot", chat=group)
    group_help = await alice.wait_for_message(lambda m: "/available" in m.text, chat=group)
    assert "private chat" in group_help.text


async def test_cancel_with_and_without_something_to_cancel(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    alice = await approved_model(emulator, db)
    await alice.send("/cancel")
    assert "nothing to cancel" in (await alice.wait_for_message()).text

    menu = await open_menu(alice)
    await press(alice, menu, "📝 Create profile", "Step 1 of 9")
    [in_the_wizard] = await _conversation_states(db)
    assert in_the_wizard is not None
    await alice.send("/cancel")
    cancelled = await alice.wait_for_message()
    assert "Cancelled" in cancelled.text
    assert await _conversation_states(db) == [None]
    # The wizard is really left: her next words are not taken for a profile name.
    await alice.send("Sophie")
    assert "did not understand" in (await alice.wait_for_message()).text
    assert await ProfileService(db).get(alice.id) is None
    await alice.send("/cancel")
    assert "nothing to cancel" in (await alice.wait_for_message()).text


async def _conversation_states(db: Database) -> list[str | None]:
    async with db.read() as session:
        return list(await session.scalars(select(ConversationState.state)))


async def test_unknown_input_gets_a_hint_not_silence(
    emulator: BotAPIEmulator, bot: InProcessBot
) -> None:
    alice = emulator.user(user_id=5_000_000_001, first_name="Alice")
    await alice.send("what is this?")
    hint = await alice.wait_for_message()
    assert "did not understand" in hint.text
    await alice.send_sticker()
    assert "did not understand" in (await alice.wait_for_message()).text
    await alice.send_voice()
    assert "did not understand" in (await alice.wait_for_message()).text


async def test_every_button_is_answered_even_stale_ones(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    alice = await approved_model(emulator, db)
    menu = await open_menu(alice)
    assert (await alice.press(menu, "❓ Help")).text is None
    await alice.wait_for_message(lambda m: "How Available Now works" in m.text)
    menu = await open_menu(alice)
    step = await press(alice, menu, "📝 Create profile", "Step 1 of 9")
    await open_menu(alice)  # /start leaves the wizard
    stale = await alice.press(step, "✖️ Cancel")
    assert stale.show_alert
    assert "no longer active" in (stale.text or "")
    assert [r for r in emulator.calls("answerCallbackQuery") if not r.ok] == []
    assert len(emulator.calls("answerCallbackQuery")) == 3


async def test_start_in_the_group_points_to_the_private_chat(
    emulator: BotAPIEmulator, bot: InProcessBot, group: SimGroup
) -> None:
    alice = emulator.user(user_id=5_000_000_001, first_name="Alice")
    group.add_member(alice)
    await alice.send("/start@available_now_bot", chat=group)
    reply = await alice.wait_for_message(chat=group)
    assert reply.button("Open private chat").url == "https://t.me/available_now_bot?start=menu"


async def test_plain_chatter_in_the_group_gets_no_answer(
    emulator: BotAPIEmulator, bot: InProcessBot, group: SimGroup
) -> None:
    alice = emulator.user(user_id=5_000_000_001, first_name="Alice")
    group.add_member(alice)
    await alice.send("hello everyone", chat=group)
    await alice.send("/help", chat=group)
    reply = await alice.wait_for_message(chat=group)
    assert "/available" in reply.text
    assert [m.text for m in group.bot_messages()] == [reply.text]
