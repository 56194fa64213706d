"""While she is live, her group post follows what she changes in the private chat: her words
through the edit menu, and her gallery (a new cover in place; no photos left, a text post)."""

from __future__ import annotations

import pytest

from available_now.db.database import Database
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import MessageView, SimGroup, SimUser

from .harness import InProcessBot
from .stories import answer, approved_model, complete_profile, eventually, go_live, open_menu, press

pytestmark = pytest.mark.e2e


def _posts(group: SimGroup) -> list[MessageView]:
    """Her listing posts: the bot's messages with her name in them."""
    return [m for m in group.visible_messages() if m.from_bot and "Sophie" in m.text]


async def _true(value: bool) -> bool:
    return value


async def _gallery(model: SimUser) -> MessageView:
    menu = await open_menu(model)
    card = await press(model, menu, "👤 My profile", "Sophie")
    return await press(model, card, "🖼 Manage gallery", "Your gallery")


async def _tap_item(model: SimUser, gallery: MessageView, item: str, action: str) -> MessageView:
    await model.press(gallery, item)
    shown = await model.wait_for_message(lambda m: action in m.button_texts)
    await model.press(shown, action)
    return await model.wait_for_message(lambda m: "Your gallery" in m.text)


async def test_her_rates_edited_in_the_private_chat_reach_the_group_post(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    await complete_profile(model)
    await go_live(model)
    [post] = _posts(group)
    menu = await open_menu(model)
    card = await press(model, menu, "👤 My profile", "Sophie")
    await press(model, card, "Rates", "What are your rates")
    await answer(model, "1 h 300 £", "Saved ✅")
    await eventually(
        lambda: _true(
            [(p.message_id, "1 h 300 £" in p.text) for p in _posts(group)]
            == [(post.message_id, True)]
        ),
        seconds=10,
        what="her post, edited in place, to show her new rates",
    )
    assert emulator.errors(429) == []


async def test_her_gallery_changes_reach_the_group_post(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    await complete_profile(model, photos=2)
    await go_live(model)
    [post] = _posts(group)
    assert post.kind == "photo"

    # A new cover: the same post shows it.
    gallery = await _gallery(model)
    await model.press(gallery, "🖼 Photo 2")
    second = await model.wait_for_message(lambda m: "⭐ Make cover" in m.button_texts)
    await model.press(second, "⭐ Make cover")
    gallery = await model.wait_for_message(lambda m: "Your gallery" in m.text)
    await eventually(
        lambda: _true(
            [(p.message_id, p.file_unique_id) for p in _posts(group)]
            == [(post.message_id, second.file_unique_id)]
        ),
        seconds=10,
        what="her post to show her new cover",
    )

    # Every photo removed: a photo post cannot become text, so it is replaced by one.
    gallery = await _tap_item(model, gallery, "🖼 Photo 2", "🗑 Remove")
    await _tap_item(model, gallery, "🖼 Photo 1 (cover)", "🗑 Remove")
    await eventually(
        lambda: _true([p.kind for p in _posts(group)] == ["text"]),
        seconds=15,
        what="one text post of hers, and no photo of hers left in the group",
    )
    [replacement] = _posts(group)
    assert replacement.message_id != post.message_id
    assert "1 h 200 £" in replacement.text
    assert [m for m in group.visible_messages() if m.kind == "photo"] == []
    assert emulator.errors(429) == []
    # She was told once that her listing is up: the replacement is no news to her.
    await bot.outbox_pass()
    told = [m for m in model.private_chat.bot_messages() if "is up in the group" in m.text]
    assert len(told) == 1, [m.text for m in told]
