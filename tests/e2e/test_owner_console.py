"""The owners' console, as owners use it: the owner panel, command menus by role and /id."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from available_now.bot.callbacks import MenuAction, MenuCallback
from available_now.db.database import Database
from available_now.db.models import ScheduledDeletion
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import SimGroup

from ..audit import audit_actions
from .harness import GROUP_ID, OWNER_ID, SECOND_OWNER_ID, InProcessBot
from .stories import approved_model, eventually, open_menu

pytestmark = pytest.mark.e2e


def _private(user_id: int) -> dict[str, object]:
    return {"type": "chat", "chat_id": user_id}


def _names(commands: list[dict[str, object]]) -> list[object]:
    return [command["command"] for command in commands]


async def test_a_request_made_before_any_owner_opened_the_bot_waits_in_her_panel(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia", username="owner")
    bea = emulator.user(user_id=5_200_000_002, first_name="Bea", username="bea")
    menu = await open_menu(bea)
    await bea.press(menu, "🙋 Request access")

    told = await bea.wait_for_message(lambda m: "owners have been asked" in m.text)
    assert "No owners" not in told.text
    refused = [
        call
        for call in emulator.errors(403)
        if call.method == "sendMessage" and str(call.params.get("chat_id")) == str(OWNER_ID)
    ]
    assert refused
    assert "bot can't initiate conversation with a user" in (refused[0].description or "")

    panel = await open_menu(owner)
    assert "Owner panel" in panel.text
    assert "1 access request is waiting" in panel.text
    assert "🙋 Request access" not in panel.button_texts
    request = await owner.wait_for_message(lambda m: "Access request" in m.text)
    assert "@bea" in request.text
    await owner.press(request, "✅ Approve")
    await owner.wait_for_message(lambda m: "approved by Olivia" in m.text)
    await bea.wait_for_message(lambda m: "You are approved" in m.text)
    assert ("approve_user", OWNER_ID) in await audit_actions(db, with_actor=True)

    # Her command menu is a model's now; the panel has nothing waiting any more.
    async def has_model_menu() -> bool:
        return "available" in _names(emulator.commands(_private(bea.id)))

    await eventually(has_model_menu, what="the model's command menu")
    again = await open_menu(owner)
    assert "No access requests are waiting" in again.text


async def test_owners_never_ask_themselves_for_access(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia")
    panel = await open_menu(owner)
    await owner.press(panel, "👤 My own menu")
    own = await owner.wait_for_message(lambda m: "main menu" in m.text)
    assert "🙋 Request access" not in own.button_texts
    # A forged or stale Request access button does not send a request to herself.
    answer = await owner.press_forged(own, MenuCallback(action=MenuAction.REQUEST_ACCESS).pack())
    assert "You are an owner" in (answer.text or "")
    # Model features refuse her without offering a request either.
    await owner.send("/available")
    refused = await owner.wait_for_message(lambda m: "You are an owner" in m.text)
    assert "🙋 Request access" not in refused.button_texts
    assert "request_access" not in await audit_actions(db)


async def test_help_and_command_menus_differ_by_role(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia")
    model = await approved_model(emulator, db)
    member = emulator.user(user_id=5_200_000_009, first_name="Mona")

    await owner.send("/help")
    owner_help = await owner.wait_for_message(lambda m: "How Available Now works" in m.text)
    assert "For owners" in owner_help.text
    assert "/audit" in owner_help.text
    await model.send("/help")
    model_help = await model.wait_for_message(lambda m: "How Available Now works" in m.text)
    assert "Mark available" in model_help.text
    assert "For owners" not in model_help.text
    await member.send("/help")
    member_help = await member.wait_for_message(lambda m: "How Available Now works" in m.text)
    assert "Request access" in member_help.text
    assert "For owners" not in member_help.text

    members = _names(emulator.commands({"type": "all_private_chats"}))
    assert "start" in members
    assert "available" not in members
    assert "audit" not in members
    owners = _names(emulator.commands(_private(OWNER_ID)))
    assert {"pending", "approve", "models", "stats", "audit", "id"} <= set(owners)
    # Published in every language of the catalogs, not in the group.
    assert "audit" in _names(emulator.commands(_private(OWNER_ID), "es"))
    assert "audit" not in _names(emulator.commands({"type": "all_group_chats"}))
    # Approved models get their own menu at start-up; it goes when she is revoked.
    await bot.restart()

    async def has_model_menu() -> bool:
        return "available" in _names(emulator.commands(_private(model.id)))

    await eventually(has_model_menu, what="the model's command menu")
    await open_menu(owner)
    await owner.send(f"/revoke {model.id}")
    await owner.wait_for_message(lambda m: "revoked by Olivia" in m.text)

    async def menu_withdrawn() -> bool:
        return all(emulator.commands(_private(model.id), code) == [] for code in ("", "es"))

    await eventually(menu_withdrawn, what="the revoked model's menu withdrawn")
    assert "id" in _names(emulator.commands({"type": "all_group_chats"}))


async def test_id_in_a_private_chat_and_in_the_group(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    member = emulator.user(user_id=5_200_000_010, first_name="Mona")
    await member.send("/id")
    mine = await member.wait_for_message(lambda m: "user id" in m.text)
    assert str(member.id) in mine.text

    group.add_member(member)
    command = await member.send("/id", chat=group)
    answer = await member.wait_for_message(lambda m: "group's id" in m.text, chat=group)
    assert str(GROUP_ID) in answer.text
    assert "TARGET_GROUP_ID" in answer.text
    assert "I have the rights I need here" in answer.text

    # Both go, as /available's answer does: through the durable removal queue.
    async def both_queued() -> bool:
        async with db.read() as session:
            jobs = list(await session.scalars(select(ScheduledDeletion)))
        return sorted(job.purpose for job in jobs) == ["answer", "command"]

    await eventually(both_queued, what="the answer and the command queued for removal")
    await bot.advance(timedelta(minutes=bot.settings.available_list_ttl_minutes, seconds=5))
    visible = {message.message_id for message in group.visible_messages()}
    assert command.message_id not in visible
    assert answer.message_id not in visible


async def test_id_without_delete_rights_says_what_is_missing(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot
) -> None:
    member = emulator.user(user_id=5_200_000_010, first_name="Mona")
    group.add_member(member)
    group.set_bot_rights(admin=True, can_delete_messages=False)
    await member.send("/id", chat=group)
    answer = await member.wait_for_message(lambda m: "group's id" in m.text, chat=group)
    assert "Delete messages" in answer.text
    assert "I have the rights I need here" not in answer.text


async def test_id_in_another_group_tells_its_id_then_leaves(
    emulator: BotAPIEmulator, bot: InProcessBot
) -> None:
    operator = emulator.user(user_id=5_200_000_011, first_name="Otto")
    other = emulator.create_group(chat_id=-1_009_999_999_999, title="Set-up", bot_is_admin=True)
    other.add_member(operator)
    await operator.send("/id", chat=other)
    goodbye = await operator.wait_for_message(lambda m: "leaves now" in m.text, chat=other)
    assert str(other.id) in goodbye.text

    async def left() -> bool:
        return other.bot_status in ("left", "kicked")

    await eventually(left, what="the bot leaving the other group")


async def test_two_owners_pressing_approve_at_once_approve_her_once(
    emulator: BotAPIEmulator, two_owner_bot: InProcessBot, db: Database
) -> None:
    owners = [
        emulator.user(user_id=OWNER_ID, first_name="Olivia"),
        emulator.user(user_id=SECOND_OWNER_ID, first_name="Paula"),
    ]
    for owner in owners:
        await open_menu(owner)
    bea = emulator.user(user_id=5_200_000_002, first_name="Bea", username="bea")
    menu = await open_menu(bea)
    await bea.press(menu, "🙋 Request access")
    requests = [
        await owner.wait_for_message(lambda m: "Access request" in m.text) for owner in owners
    ]
    queries = [
        await owner.press_nowait(request, "✅ Approve")
        for owner, request in zip(owners, requests, strict=True)
    ]
    await asyncio.wait_for(asyncio.gather(*(query.answer for query in queries)), 10)
    verdicts = [
        await owner.wait_for_message(lambda m: "Bea" in m.text and m.edited) for owner in owners
    ]
    texts = sorted(verdict.text for verdict in verdicts)
    assert texts[0].endswith("already decided; nothing changed.")
    assert "approved by" in texts[1]
    await bea.wait_for_message(lambda m: "You are approved" in m.text)
    actions = await audit_actions(db)
    assert actions.count("approve_user") == 1
    assert sum("You are approved" in m.text for m in bea.private_chat.bot_messages()) == 1


async def test_the_start_up_log_says_each_owner_must_open_the_bot_and_who_has_not(
    emulator: BotAPIEmulator, bot: InProcessBot, caplog: pytest.LogCaptureFixture
) -> None:
    def lines() -> list[str]:
        return [record.getMessage() for record in caplog.records]

    caplog.set_level(logging.INFO, logger="available_now")
    await bot.restart()
    assert any(
        "each owner in OWNER_IDS must open a chat with the bot once" in line for line in lines()
    )
    assert f"owner(s) {OWNER_ID} have not opened a chat with the bot yet" in lines()

    # Once she has, the reminder stays but she is no longer named.
    await open_menu(emulator.user(user_id=OWNER_ID, first_name="Olivia"))
    caplog.clear()
    await bot.restart()
    assert any(
        "each owner in OWNER_IDS must open a chat with the bot once" in line for line in lines()
    )
    assert not any("have not opened a chat" in line for line in lines())
