"""Reports and moderation, as members and owners live them: report a listing from the group,
the owners told at once, a removal with one tap (and a second owner's too-late tap), bans,
and hiding a profile from `/available`."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from available_now.db.database import Database
from available_now.db.models import AuditLog, Report, User
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import MessageView, SimGroup, SimUser

from ..audit import audit_actions
from .harness import OWNER_ID, SECOND_OWNER_ID, InProcessBot
from .stories import approved_model, complete_profile, eventually, go_live, open_menu, press

pytestmark = pytest.mark.e2e

NOTE = "Photos <b>from</b> a magazine"


def _report_link(post: MessageView) -> str:
    url = post.button("🚩 Report").url
    assert url is not None
    return url


async def _live(emulator: BotAPIEmulator, db: Database, **who: object) -> SimUser:
    model = await approved_model(emulator, db, **who)  # type: ignore[arg-type]
    await complete_profile(model)
    await go_live(model)
    return model


def _member(emulator: BotAPIEmulator, group: SimGroup, user_id: int = 7_000_000_007) -> SimUser:
    member = emulator.user(user_id=user_id, first_name="Max")
    group.add_member(member)
    return member


async def _owner(
    emulator: BotAPIEmulator, user_id: int = OWNER_ID, name: str = "Olivia"
) -> SimUser:
    owner = emulator.user(user_id=user_id, first_name=name, username=name.lower())
    await open_menu(owner)
    return owner


async def _report(member: SimUser, link: str, reason: str) -> MessageView:
    await member.open_link(link)
    picker = await member.wait_for_message(
        lambda m: "Report" in m.text and "✏️ Other" in m.button_texts
    )
    await member.press(picker, reason)
    return await member.wait_for_message(lambda m: "Thank you" in m.text)


async def _reports(db: Database) -> list[Report]:
    async with db.read() as session:
        return list(await session.scalars(select(Report).order_by(Report.id)))


async def test_a_member_reports_and_an_owner_removes_the_listing_with_a_tap(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    owner = await _owner(emulator)
    sophie = await _live(emulator, db)
    post = group.bot_messages()[0]
    max_ = _member(emulator, group)

    # The full profile opened from the post offers Report too, leading to the same picker.
    await max_.open_link(post.button("👤 Full profile & gallery").url or "")
    profile = await max_.wait_for_message(lambda m: "🚩 Report" in m.button_texts)
    assert _report_link(profile) == _report_link(post)

    await max_.open_link(_report_link(post))
    picker = await max_.wait_for_message(lambda m: "Report Sophie's listing" in m.text)
    assert picker.button_texts == [
        "🖼 Fake or stolen photos",
        "💸 Scam",
        "⚠️ Safety concern",
        "🔞 Underage concern",
        "✏️ Other",
        "✖️ Cancel",
    ]
    await max_.press(picker, "✏️ Other")
    await max_.wait_for_message(lambda m: "In a few words" in m.text)
    await max_.send("x" * 201)
    await max_.wait_for_message(lambda m: "keep it to 200 characters" in m.text)
    await max_.send(NOTE)
    await max_.wait_for_message(lambda m: "Thank you" in m.text)

    report = await owner.wait_for_message(lambda m: "Report #" in m.text)
    assert "Sophie" in report.text
    assert str(sophie.id) in report.text
    assert "Reason: ✏️ Other" in report.text
    assert NOTE in report.text  # shown as typed: escaped, not markup
    assert "This listing has 1 report." in report.text
    assert "Max" not in report.text
    assert str(max_.id) not in report.text
    assert report.button_texts == ["🗑 Remove listing", "⚠️ Warn model", "⛔ Ban model", "✖️ Dismiss"]

    await owner.press(report, "🗑 Remove listing")
    confirm = await owner.wait_for_message(lambda m: "✅ Yes, remove" in m.button_texts)
    await owner.press(confirm, "✅ Yes, remove")
    decided = await owner.wait_for_message(lambda m: "Listing removed by Olivia" in m.text)
    assert decided.message_id == report.message_id
    assert decided.button_texts == []
    told = await sophie.wait_for_message(lambda m: "taken down" in m.text)
    assert "Max" not in told.text

    await bot.expiry_pass()
    assert group.bot_messages() == []
    [stored] = await _reports(db)
    assert (stored.status, stored.decided_by, stored.note) == ("removed", OWNER_ID, NOTE)
    actions = await audit_actions(db, with_actor=True)
    assert ("report_listing", max_.id) in actions
    assert ("decide_report", OWNER_ID) in actions
    assert ("end_listing", OWNER_ID) in actions
    async with db.read() as session:
        details = [str(row.details) for row in await session.scalars(select(AuditLog))]
    assert not any("magazine" in detail for detail in details)
    # She never learns who reported her.
    assert not any("Max" in m.text for m in sophie.private_chat.bot_messages())


async def test_two_owners_pressing_remove_at_once_remove_it_once(
    emulator: BotAPIEmulator, group: SimGroup, two_owner_bot: InProcessBot, db: Database
) -> None:
    olivia = await _owner(emulator)
    paula = await _owner(emulator, SECOND_OWNER_ID, "Paula")
    sophie = await _live(emulator, db)
    max_ = _member(emulator, group)
    await _report(max_, _report_link(group.bot_messages()[0]), "💸 Scam")

    confirmations = []
    for owner in (olivia, paula):
        report = await owner.wait_for_message(lambda m: "Report #" in m.text)
        assert "Reason: 💸 Scam" in report.text
        await owner.press(report, "🗑 Remove listing")
        confirmations.append(
            await owner.wait_for_message(lambda m: "✅ Yes, remove" in m.button_texts)
        )
    queries = [
        await owner.press_nowait(confirm, "✅ Yes, remove")
        for owner, confirm in zip((olivia, paula), confirmations, strict=True)
    ]
    answers = await asyncio.wait_for(asyncio.gather(*(q.answer for q in queries)), 10)
    texts = sorted(answer.text or "" for answer in answers)
    assert texts == ["", "This report was already handled. Nothing changed."]

    # Each owner's copy of the report ends with its verdict: one removal, one "already handled".
    def closed_copies() -> list[str]:
        return [
            m.text
            for owner in (olivia, paula)
            for m in owner.private_chat.bot_messages()
            if "Report #" in m.text and not m.button_texts
        ]

    async def both_closed() -> bool:
        return len(closed_copies()) == 2

    await eventually(both_closed, what="both owners' copies of the report closed")
    verdicts = [text.rsplit("\n", 1)[-1] for text in closed_copies()]
    assert sum(verdict.startswith("✅ Listing removed by ") for verdict in verdicts) == 1
    assert verdicts.count("☑️ Already handled. Nothing changed.") == 1
    await sophie.wait_for_message(lambda m: "taken down" in m.text)
    await two_owner_bot.expiry_pass()
    assert group.bot_messages() == []
    actions = await audit_actions(db)
    assert actions.count("decide_report") == 1
    assert actions.count("end_listing") == 1
    assert sum("taken down" in m.text for m in sophie.private_chat.bot_messages()) == 1


async def test_ban_ends_her_listing_and_access_but_not_her_data_and_unban_restores(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    owner = await _owner(emulator)
    sophie = await _live(emulator, db)

    await owner.send("/ban @Sophie")
    confirm = await owner.wait_for_message(lambda m: "⛔ Yes, ban" in m.button_texts)
    assert "Ban Sophie" in confirm.text
    await owner.press(confirm, "⛔ Yes, ban")
    await owner.wait_for_message(lambda m: "banned by Olivia" in m.text)
    await sophie.wait_for_message(lambda m: "ended your access" in m.text)
    await bot.expiry_pass()
    assert group.bot_messages() == []

    await sophie.send("/available")
    await sophie.wait_for_message(lambda m: "ended your access" in m.text)
    menu = await open_menu(sophie)
    answer = await sophie.press(menu, "🙋 Request access")
    assert "ended your access" in (answer.text or "")
    assert "request_access" not in await audit_actions(db, sophie.id)

    await owner.send(f"/ban {sophie.id}")
    again = await owner.wait_for_message(lambda m: "⛔ Yes, ban" in m.button_texts)
    await owner.press(again, "⛔ Yes, ban")
    await owner.wait_for_message(lambda m: "Already banned" in m.text)

    await owner.send("/unban @sophie")
    await owner.wait_for_message(lambda m: "unbanned by Olivia" in m.text)
    await sophie.wait_for_message(lambda m: "restored your access" in m.text)
    await go_live(sophie)
    assert len(group.bot_messages()) == 1

    # Banned again, she can still take her data and delete it; the ban outlives her data.
    await owner.send("/ban sophie")
    confirm = await owner.wait_for_message(lambda m: "⛔ Yes, ban" in m.button_texts)
    await owner.press(confirm, "⛔ Yes, ban")
    await sophie.wait_for_message(lambda m: "ended your access" in m.text)
    menu = await open_menu(sophie)
    await sophie.press(menu, "📦 Export my data")
    export = await sophie.wait_for_message(lambda m: m.kind == "document")
    assert export.file_id is not None
    assert str(sophie.id).encode() in emulator.world.files[export.file_id].data
    menu = await open_menu(sophie)
    confirm_erase = await press(sophie, menu, "🗑 Delete my data", "cannot be undone")
    await sophie.press(confirm_erase, "🗑 Delete everything")
    await sophie.wait_for_message(lambda m: "Deleted." in m.text)
    async with db.read() as session:
        account = await session.get(User, sophie.id)
    assert account is not None
    assert account.banned_at is not None
    assert account.first_name is None
    actions = await audit_actions(db, with_actor=True)
    assert actions.count(("ban_user", OWNER_ID)) == 2
    assert ("unban_user", OWNER_ID) in actions


async def test_an_owner_cannot_be_banned(
    emulator: BotAPIEmulator, group: SimGroup, two_owner_bot: InProcessBot, db: Database
) -> None:
    olivia = await _owner(emulator)
    await _owner(emulator, SECOND_OWNER_ID, "Paula")
    await olivia.send("/ban @paula")
    await olivia.wait_for_message(lambda m: "Owners cannot be banned" in m.text)
    await olivia.send(f"/ban {SECOND_OWNER_ID}")
    await olivia.wait_for_message(lambda m: "Owners cannot be banned" in m.text)
    # Nobody by that name or id: refused, nothing asked.
    await olivia.send("/ban @nobody")
    await olivia.wait_for_message(lambda m: "don't know @nobody" in m.text)
    await olivia.send("/unban 123456789")
    await olivia.wait_for_message(lambda m: "don't know 123456789" in m.text)
    # A forged confirmation for an owner is refused too.
    menu = await open_menu(olivia)
    answer = await olivia.press_forged(menu, f"bn:ok:{SECOND_OWNER_ID}")
    assert answer.text == "Owners cannot be banned. Nothing changed."
    # And members cannot ban anyone.
    max_ = _member(emulator, group)
    await open_menu(max_)
    await max_.send(f"/ban {OWNER_ID}")
    await max_.wait_for_message(lambda m: "owners only" in m.text)
    async with db.read() as session:
        banned = await session.scalar(select(func.count()).where(User.banned_at.is_not(None)))
    assert banned == 0
    assert "ban_user" not in await audit_actions(db)


async def test_a_non_member_cannot_report(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    owner = await _owner(emulator)
    await _live(emulator, db)
    link = _report_link(group.bot_messages()[0])
    stranger = emulator.user(user_id=7_000_000_666, first_name="Eve")
    await stranger.open_link(link)
    refusal = await stranger.wait_for_message(lambda m: "for members of the group" in m.text)
    token = link.rsplit("r_", 1)[1]
    await stranger.press_forged(refusal, f"rr:scam:{token}")
    await stranger.wait_for_message(lambda m: "for members of the group" in m.text)
    # A made-up token tells a member nothing either.
    max_ = _member(emulator, group)
    await max_.send("/start r_" + "A" * 22)
    await max_.wait_for_message(lambda m: "nothing to report" in m.text)
    assert await _reports(db) == []
    assert not any("Report #" in m.text for m in owner.private_chat.bot_messages())


async def test_one_report_per_member_per_listing_and_a_cooldown_between_reports(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    owner = await _owner(emulator)
    sophie = await _live(emulator, db)
    await _live(emulator, db, user_id=5_000_000_002, first_name="Mia", username="mia")
    sophie_post, mia_post = group.bot_messages()
    max_ = _member(emulator, group)

    await _report(max_, _report_link(sophie_post), "🖼 Fake or stolen photos")
    await max_.open_link(_report_link(sophie_post))
    await max_.wait_for_message(lambda m: "already reported this listing" in m.text)

    await max_.open_link(_report_link(mia_post))
    await max_.wait_for_message(lambda m: "You can report again from" in m.text)
    await bot.advance(timedelta(minutes=10))
    await _report(max_, _report_link(mia_post), "⚠️ Safety concern")

    # A second member's report on Sophie counts; the owner sees the number grow.
    kim = _member(emulator, group, 7_000_000_300)
    await _report(kim, _report_link(sophie_post), "💸 Scam")
    counts = [m.text for m in owner.private_chat.bot_messages() if "Report #" in m.text]
    assert "This listing has 2 reports." in counts[-1]
    assert [r.reporter_id for r in await _reports(db)] == [max_.id, max_.id, kim.id]

    # Warn and dismiss: she is told of the warning, never of a dismissal.
    first, _, third = [m for m in owner.private_chat.bot_messages() if "Report #" in m.text]
    await owner.press(first, "⚠️ Warn model")
    await owner.wait_for_message(lambda m: "Model warned by Olivia" in m.text)
    await sophie.wait_for_message(lambda m: "A note from the group's owners" in m.text)
    await owner.press(third, "✖️ Dismiss")
    await owner.wait_for_message(lambda m: "Dismissed by Olivia" in m.text)
    answer = await owner.press_forged(third, "rd:warn:" + str((await _reports(db))[2].id))
    assert answer.text == "This report was already handled. Nothing changed."
    assert [r.status for r in await _reports(db)] == ["warned", "open", "dismissed"]
    assert len(group.bot_messages()) == 2


async def test_hide_takes_her_off_available_and_unhide_brings_her_back(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    owner = await _owner(emulator)
    await _live(emulator, db)
    await _live(emulator, db, user_id=5_000_000_002, first_name="Mia", username="mia")
    max_ = _member(emulator, group)

    mia_link = group.bot_messages()[1].button("👤 Full profile & gallery").url or ""
    await owner.send("/hide @sophie")
    await owner.wait_for_message(lambda m: "hidden from /available by Olivia" in m.text)
    await max_.send("/available", chat=group)
    shown = await max_.wait_for_message(lambda m: "Available now" in m.text, chat=group)
    assert "Available now (1)" in shown.text
    assert mia_link in shown.html
    await owner.send("/hide @sophie")
    await owner.wait_for_message(lambda m: "Already hidden" in m.text)

    await owner.send("/unhide @sophie")
    await owner.wait_for_message(lambda m: "shown in /available again" in m.text)
    # The list on show follows: it is redrawn, not asked for again.
    await max_.wait_for_message(lambda m: "Available now (2)" in m.text, chat=group)
    actions = await audit_actions(db, with_actor=True)
    assert ("hide_profile", OWNER_ID) in actions
    assert ("unhide_profile", OWNER_ID) in actions


async def test_a_report_no_owner_received_waits_in_her_panel_and_is_decided_from_there(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia", username="olivia")
    sophie = await _live(emulator, db)
    max_ = _member(emulator, group)
    await _report(max_, _report_link(group.bot_messages()[0]), "⚠️ Safety concern")
    # The owner has never opened the bot: Telegram refused the report's message to her.
    assert [
        call
        for call in emulator.errors(403)
        if call.method == "sendMessage" and str(call.params.get("chat_id")) == str(OWNER_ID)
    ]

    panel = await open_menu(owner)
    assert "🚩 1 report is open." in panel.text
    report = await owner.wait_for_message(lambda m: "Report #" in m.text)
    assert "Reason: ⚠️ Safety concern" in report.text
    assert "live until" in report.text
    assert "This listing has 1 report." in report.text
    assert "Max" not in report.text
    assert report.button_texts == ["🗑 Remove listing", "⚠️ Warn model", "⛔ Ban model", "✖️ Dismiss"]

    # /models and /stats count it too.
    await owner.send("/models")
    models = await owner.wait_for_message(lambda m: "Approved models" in m.text)
    her_line = next(line for line in models.text.splitlines() if f"({sophie.id})" in line)
    assert "open reports: 1" in her_line
    await owner.send("/stats")
    stats = await owner.wait_for_message(lambda m: "The group in figures" in m.text)
    assert "Open reports: 1" in stats.text

    await owner.press(report, "🗑 Remove listing")
    confirm = await owner.wait_for_message(lambda m: "✅ Yes, remove" in m.button_texts)
    await owner.press(confirm, "✅ Yes, remove")
    await owner.wait_for_message(lambda m: "Listing removed by Olivia" in m.text)
    await sophie.wait_for_message(lambda m: "taken down" in m.text)
    await bot.expiry_pass()
    assert group.bot_messages() == []
    again = await open_menu(owner)
    assert "🚩 0 reports are open." in again.text
    assert [r.status for r in await _reports(db)] == ["removed"]


async def test_a_report_on_a_listing_that_ended_since_says_so_and_can_be_dismissed(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    sophie = await _live(emulator, db)
    max_ = _member(emulator, group)
    await _report(max_, _report_link(group.bot_messages()[0]), "💸 Scam")
    await bot.advance(timedelta(hours=2, minutes=1))
    await sophie.wait_for_message(lambda m: "Your listing ended" in m.text)

    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia", username="olivia")
    await open_menu(owner)
    report = await owner.wait_for_message(lambda m: "Report #" in m.text)
    assert "no longer live" in report.text
    assert "live until" not in report.text
    await owner.press(report, "✖️ Dismiss")
    await owner.wait_for_message(lambda m: "Dismissed by Olivia" in m.text)
    assert [r.status for r in await _reports(db)] == ["dismissed"]
    assert not any("A note from" in m.text for m in sophie.private_chat.bot_messages())


async def test_ban_model_from_a_report_asks_first_then_ends_her_listing_and_access(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    owner = await _owner(emulator)
    sophie = await _live(emulator, db)
    link = _report_link(group.bot_messages()[0])
    await _report(_member(emulator, group), link, "🖼 Fake or stolen photos")
    await _report(_member(emulator, group, 7_000_000_300), link, "💸 Scam")
    first, second = await owner.wait_for_messages(2, lambda m: "Report #" in m.text)

    # Back leaves the report as it was; nothing is decided until Yes.
    await owner.press(first, "⛔ Ban model")
    confirm = await owner.wait_for_message(lambda m: "✅ Yes, ban" in m.button_texts)
    assert "Ban this model?" in confirm.text
    await owner.press(confirm, "⬅️ Back")
    back = await owner.wait_for_message(lambda m: "⛔ Ban model" in m.button_texts)
    assert "Ban this model?" not in back.text
    assert [r.status for r in await _reports(db)] == ["open", "open"]

    await owner.press(back, "⛔ Ban model")
    confirm = await owner.wait_for_message(lambda m: "✅ Yes, ban" in m.button_texts)
    await owner.press(confirm, "✅ Yes, ban")
    await owner.wait_for_message(lambda m: "Model banned by Olivia" in m.text)
    await sophie.wait_for_message(lambda m: "ended your access" in m.text)
    await bot.expiry_pass()
    assert group.bot_messages() == []
    # Her listing's other report is settled with it; its stale buttons say so.
    assert [r.status for r in await _reports(db)] == ["banned", "banned"]
    answer = await owner.press(second, "✖️ Dismiss")
    assert answer.text == "This report was already handled. Nothing changed."
    await sophie.send("/available")
    await sophie.wait_for_message(lambda m: "ended your access" in m.text)
    actions = await audit_actions(db, with_actor=True)
    assert actions.count(("ban_user", OWNER_ID)) == 1
    assert actions.count(("decide_report", OWNER_ID)) == 1


async def test_two_owners_confirming_a_ban_at_once_ban_her_once(
    emulator: BotAPIEmulator, group: SimGroup, two_owner_bot: InProcessBot, db: Database
) -> None:
    olivia = await _owner(emulator)
    paula = await _owner(emulator, SECOND_OWNER_ID, "Paula")
    sophie = await _live(emulator, db)
    confirmations = []
    for owner in (olivia, paula):
        await owner.send(f"/ban {sophie.id}")
        confirmations.append(
            await owner.wait_for_message(lambda m: "⛔ Yes, ban" in m.button_texts)
        )
    queries = [
        await owner.press_nowait(confirm, "⛔ Yes, ban")
        for owner, confirm in zip((olivia, paula), confirmations, strict=True)
    ]
    await asyncio.wait_for(asyncio.gather(*(q.answer for q in queries)), 10)
    for owner in (olivia, paula):
        await owner.wait_for_message(lambda m: "banned by" in m.text or "Already banned" in m.text)
    verdicts = [
        m.text
        for owner in (olivia, paula)
        for m in owner.private_chat.bot_messages()
        if "banned by" in m.text or "Already banned" in m.text
    ]
    assert sum("Already banned" in text for text in verdicts) == 1
    actions = await audit_actions(db)
    assert actions.count("ban_user") == 1
    assert actions.count("end_listing") == 1
    await two_owner_bot.expiry_pass()
    assert sum("ended your access" in m.text for m in sophie.private_chat.bot_messages()) == 1
