"""The group at its busiest, with the emulator's flood limits on: instant answers, every model
visible within a minute, no stray posts, posts that follow edits, one living list."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from available_now.bot.publisher import message_link
from available_now.db.database import Database
from available_now.db.models import OutboxPost
from available_now.domain.audit import ErasureRequester
from available_now.domain.outbox import STRAY_SEARCH_WAIT
from available_now.services.erasure import ErasureService
from available_now.services.profiles import ProfileService
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import SimGroup, SimUser
from telegram_sandbox.server import RecordedRequest

from .harness import GROUP_ID, OWNER_ID, InProcessBot
from .stories import eventually, go_live, ready_model

MODELS = 25


async def _ready_model(emulator: BotAPIEmulator, db: Database, user_id: int) -> SimUser:
    return await ready_model(emulator, db, user_id, f"Model{user_id % 1000:03d}")


def _visible(group: SimGroup, name: str) -> bool:
    return any(m.from_bot and name in m.text for m in group.visible_messages())


@pytest.mark.serial
@pytest.mark.telegram_pace
async def test_peak_hour_every_model_is_answered_at_once_and_visible_within_a_minute(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    models = [await _ready_model(emulator, db, 5_100_000_000 + i) for i in range(MODELS)]
    choices = []
    for model in models:
        await model.send("/available")
        choices.append(await model.wait_for_message(lambda m: "For how long" in m.text))

    started = time.monotonic()

    async def go(model: SimUser, choice: object) -> float:
        await model.press(choice, "2 h", timeout=2)  # type: ignore[arg-type]
        await model.wait_for_message(lambda m: "You are live" in m.text, timeout=2)
        return time.monotonic() - started

    told = await asyncio.gather(*(go(m, c) for m, c in zip(models, choices, strict=True)))
    assert max(told) < 2.0, told
    # The first go straight out; those further back are told their place and the wait.
    answers = [
        next(m.text for m in model.private_chat.bot_messages() if "You are live" in m.text)
        for model in models
    ]
    queued = [text for text in answers if "in the queue" in text]
    assert 0 < len(queued) < MODELS, answers

    names = [f"Model{i:03d}" for i in range(MODELS)]
    await eventually(
        lambda: _all(all(_visible(group, name) for name in names)),
        seconds=60 - (time.monotonic() - started),
        what="every model visible in the group",
    )
    assert emulator.errors(429) == []
    bot_messages = [m for m in group.visible_messages() if m.from_bot]
    assert len(bot_messages) <= 21, "posts within the minute's budget, the rest on one board"
    for model in models:  # on her own post or on the board, each is told she is up
        await model.wait_for_message(lambda m: "is up in the group" in m.text, timeout=10)


async def test_her_time_counts_from_her_tap_not_from_her_post(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    model = await _ready_model(emulator, db, 5_500_000_001)
    # Telegram holds the group back, so her post goes out ten minutes after her tap.
    emulator.fail_next("sendMessage", 429, retry_after=1, chat_id=GROUP_ID)
    pressed = bot.clock.now()
    await model.send("/available")
    choice = await model.wait_for_message(lambda m: "For how long" in m.text)
    await model.press(choice, "2 h")
    live = await model.wait_for_message(lambda m: "You are live" in m.text)
    until = (pressed + timedelta(hours=2)).strftime("%H:%M UTC")
    assert until in live.text
    assert "in the queue" not in live.text  # a wait of a second is not worth a line
    await emulator.wait_for_request("sendMessage", lambda call: call.error_code == 429)
    await asyncio.sleep(1.1)  # the bot's own pause after the 429, in real time
    bot.clock.advance(timedelta(minutes=10))
    await bot.outbox_pass()
    await model.wait_for_message(lambda m: "is up in the group" in m.text)
    [post] = [m for m in group.visible_messages() if m.from_bot]
    assert until in post.text
    # She ends two hours after her tap, not after her post.
    bot.clock.advance(timedelta(hours=2) - timedelta(minutes=10, seconds=-1))
    await bot.expiry_pass()
    await model.wait_for_message(lambda m: "listing ended" in m.text, timeout=10)
    await group.wait_until(lambda shown: not any(m.from_bot for m in shown), what="post gone")


async def test_ten_available_in_twenty_seconds_leave_one_list(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    member = emulator.user(user_id=7_000_000_070, first_name="Max")
    group.add_member(member)
    for _ in range(10):
        await member.send("/available", chat=group)
        await asyncio.sleep(0.1)
        bot.clock.advance(timedelta(seconds=2))

    async def commands_removed() -> bool:
        # Each command is queued for removal by its handler, which may still be running.
        await bot.expiry_pass()
        return not [m for m in group.visible_messages() if not m.from_bot]

    await eventually(commands_removed, seconds=10, what="every command removed")
    await bot.outbox_pass()
    bot_messages = [m for m in group.visible_messages() if m.from_bot]
    assert 1 <= len(bot_messages) <= 2
    assert 1 <= len(_group_sends(emulator)) <= 2, "never more than two sent, not only left"
    # Past the member's pace, asking again refreshes the one list instead of adding another.
    bot.clock.advance(timedelta(seconds=30))
    await member.send("/available", chat=group)
    await group.wait_until(
        lambda shown: not [m for m in shown if not m.from_bot], what="her command removed"
    )
    await bot.outbox_pass()
    assert 1 <= len([m for m in group.visible_messages() if m.from_bot]) <= 2
    assert emulator.errors(429) == []


async def test_start_and_help_in_the_group_answer_once_per_member_and_are_cleaned_up(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    member = emulator.user(user_id=7_000_000_071, first_name="Max")
    group.add_member(member)
    await member.send("/help", chat=group)
    answer = await member.wait_for_message(lambda m: "/available" in m.text, chat=group)
    # Asking again within 30 s, by either command, gets no second message; the command goes.
    for command in ("/start", "/help", "/start"):
        bot.clock.advance(timedelta(seconds=5))
        await member.send(command, chat=group)

    async def only_the_answer_left() -> bool:
        await bot.expiry_pass()
        shown = group.visible_messages()
        return [m.message_id for m in shown if m.from_bot] == [answer.message_id] and len(
            [m for m in shown if not m.from_bot]
        ) == 1  # the first /help stays beside its answer until both are cleaned up

    await eventually(only_the_answer_left, seconds=10, what="the repeated commands removed")
    assert len(_group_sends(emulator)) == 1
    # Its time up, the answer and the command that asked for it are gone.
    bot.clock.advance(timedelta(minutes=bot.settings.available_list_ttl_minutes, seconds=1))
    await bot.expiry_pass()
    await group.wait_until(lambda shown: shown == [], what="the group clean again")


async def test_an_edit_while_live_reaches_the_group_post(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    model = await _ready_model(emulator, db, 5_200_000_001)
    await model.send("/available")
    choice = await model.wait_for_message(lambda m: "For how long" in m.text)
    await model.press(choice, "2 h")
    await model.wait_for_message(lambda m: "is up in the group" in m.text)
    assert _visible(group, "Hi")
    await ProfileService(db).set_text(model.id, "rates", "Three hundred an hour")
    await eventually(
        lambda: _all(_visible(group, "Three hundred an hour")),
        seconds=10,
        what="the post to show her new rates",
    )


async def test_a_post_accepted_but_answered_with_a_5xx_leaves_no_stray(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    model = await _ready_model(emulator, db, 5_300_000_001)
    emulator.fail_next("sendMessage", 502, chat_id=GROUP_ID, accepted=True)
    await go_live(model)
    # The uncertain post and the fresh one both landed; the stray check removes the first.
    await eventually(
        lambda: _all(sum(1 for m in group.visible_messages() if "Hi" in m.text) == 1),
        seconds=20,
        what="exactly one post of hers in the group",
    )

    async def stray_check_settled() -> bool:
        # The stray is deleted before its check is written down: wait for both.
        async with db.read() as session:
            states = list(await session.scalars(select(OutboxPost.state)))
        return "uncertain" not in states and "posted" in states

    await eventually(stray_check_settled, seconds=10, what="the stray check settled")
    assert sum(1 for m in group.visible_messages() if "Hi" in m.text) == 1


async def test_a_stray_that_cannot_be_found_is_shown_to_the_owners_with_a_link(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia")
    await owner.send("/start")
    await owner.wait_for_message()
    model = await _ready_model(emulator, db, 5_300_000_002)
    # Her post lands but the answer is lost; the fresh post is refused, so no later message
    # of ours ever bounds the search for the first one.
    emulator.fail_next("sendMessage", 502, chat_id=GROUP_ID, accepted=True)
    emulator.fail_next("sendMessage", 400, chat_id=GROUP_ID)
    await model.send("/available")
    choice = await model.wait_for_message(lambda m: "For how long" in m.text)
    await model.press(choice, "2 h")
    await model.wait_for_message(lambda m: "could not post" in m.text, timeout=10)
    [stray] = [m for m in group.visible_messages() if m.from_bot]

    bot.clock.advance(STRAY_SEARCH_WAIT + timedelta(seconds=1))
    await bot.outbox_pass()
    warning = await owner.wait_for_message(lambda m: "stray" in m.text, timeout=10)
    assert message_link(GROUP_ID, stray.message_id) in warning.text
    async with db.read() as session:
        assert "uncertain" not in set(await session.scalars(select(OutboxPost.state)))


async def test_a_profile_erased_while_its_post_is_on_its_way_leaves_no_post(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    model = await _ready_model(emulator, db, 5_400_000_001)
    gate = asyncio.Event()
    sending = asyncio.Event()
    original = emulator.api.handlers["sendmessage"]

    async def slow_send(params: object) -> object:
        if str(params.raw("chat_id")) == str(GROUP_ID):  # type: ignore[attr-defined]
            sending.set()
            await gate.wait()
        return await original(params)  # type: ignore[arg-type]

    emulator.api.handlers["sendmessage"] = slow_send
    await model.send("/available")
    choice = await model.wait_for_message(lambda m: "For how long" in m.text)
    await model.press(choice, "2 h")
    await model.wait_for_message(lambda m: "You are live" in m.text)
    await asyncio.wait_for(sending.wait(), timeout=10)  # her post is on its way
    await ErasureService(db).erase(model.id, actor_id=model.id, requested_by=ErasureRequester.SELF)
    gate.set()
    await eventually(
        lambda: _all(any(c.ok for c in _group_sends(emulator))), seconds=10, what="the post landing"
    )
    await bot.expiry_pass()
    await eventually(lambda: _all(not _visible(group, "Hi")), seconds=10, what="her post removed")
    [landed] = [c for c in _group_sends(emulator) if c.ok]
    deleted = [
        int(i)
        for c in emulator.calls("deleteMessages") + emulator.calls("deleteMessage")
        if c.ok
        for i in c.params.get("message_ids") or [c.params.get("message_id")]
    ]
    assert landed.result["message_id"] in deleted


def _group_sends(emulator: BotAPIEmulator) -> list[RecordedRequest]:
    return [
        c for c in emulator.calls("sendMessage") if str(c.params.get("chat_id")) == str(GROUP_ID)
    ]


async def _all(value: bool) -> bool:
    return value
