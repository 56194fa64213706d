"""The owners' tools: the audit trail in Telegram, /models and /stats, checked against the data."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from available_now.bot.callbacks import AuditCallback, AuditView, ModelsCallback
from available_now.db.database import Database
from available_now.db.models import AuditLog, User
from available_now.domain.audit import ApprovalSource
from available_now.services.users import UserService
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import MessageView, SimGroup

from .harness import OWNER_ID, InProcessBot
from .stories import approved_model, complete_profile, go_live, open_menu

pytestmark = pytest.mark.e2e


def _document_bytes(emulator: BotAPIEmulator, message: MessageView) -> bytes:
    assert message.file_id is not None
    return emulator.world.files[message.file_id].data


async def _audit_rows(db: Database) -> list[AuditLog]:
    async with db.read() as session:
        return list(await session.scalars(select(AuditLog).order_by(AuditLog.id)))


async def test_owners_read_the_audit_trail_page_by_page_filter_it_and_export_it(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    sophie = await approved_model(emulator, db)
    await complete_profile(sophie)
    await go_live(sophie)
    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia")
    await open_menu(owner)

    await owner.send("/audit")
    first = await owner.wait_for_message(lambda m: "Audit trail" in m.text)
    lines = [line for line in first.text.splitlines() if " · " in line]
    assert len(lines) == 10
    assert any(f"Sophie ({sophie.id}) went live for 2 h" in line for line in lines)
    assert "⬅️ Older" in first.button_texts
    assert "⏭ Newest" not in first.button_texts

    await owner.press(first, "⬅️ Older")
    older = await owner.wait_for_message(
        lambda m: m.message_id == first.message_id and m.edited and "⏭ Newest" in m.button_texts
    )
    older_lines = [line for line in older.text.splitlines() if " · " in line]
    assert older_lines
    assert not set(older_lines) & set(lines)

    # A forged page (or one emptied since) is refused politely, and nothing changes.
    forged = AuditCallback(view=AuditView.PAGE, before=1).pack()
    answer = await owner.press_forged(older, forged)
    assert "not there any more" in (answer.text or "")

    # By person: everything about her, with her name in the heading.
    await owner.send("/audit @sophie")
    hers = await owner.wait_for_message(lambda m: "Audit trail about" in m.text)
    assert f"Sophie ({sophie.id})" in hers.text.splitlines()[0]
    assert all("Sophie" in line for line in hers.text.splitlines() if " · " in line)
    await owner.send("/audit @nobody")
    await owner.wait_for_message(lambda m: "don't know @nobody" in m.text)

    # The export holds every entry, value-free: ids, actions and details, no names.
    await owner.press(first, "📄 Export CSV")
    document = await owner.wait_for_message(lambda m: m.kind == "document")
    raw = _document_bytes(emulator, document).decode()
    rows = list(csv.DictReader(io.StringIO(raw)))
    stored = await _audit_rows(db)
    assert [int(row["id"]) for row in rows] == [entry.id for entry in reversed(stored)]
    assert {row["action"] for row in rows} >= {"mark_available", "complete_profile"}
    assert "Sophie" not in raw
    assert "+44" not in raw

    await owner.press(hers, "📄 Export CSV")
    filtered = await owner.wait_for_message(
        lambda m: m.kind == "document" and m.message_id != document.message_id
    )
    her_rows = list(csv.DictReader(io.StringIO(_document_bytes(emulator, filtered).decode())))
    assert her_rows
    assert len(her_rows) < len(rows)
    assert all(
        row["actor_id"] == str(sophie.id) or str(sophie.id) in row["details"] for row in her_rows
    )


async def test_an_ambiguous_username_is_refused_with_the_candidates(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    async with db.transaction() as session:
        session.add_all(
            [
                User(id=5_300_000_001, username="Twin", first_name="A"),
                User(id=5_300_000_002, username="twin", first_name="B"),
            ]
        )
    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia")
    await owner.send("/audit @twin")
    refused = await owner.wait_for_message(lambda m: "More than one account" in m.text)
    assert "5300000001" in refused.text
    assert "5300000002" in refused.text


async def test_only_owners_see_the_audit_trail_models_and_stats(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    sophie = await approved_model(emulator, db)
    for command in ("/audit", "/audit @sophie", "/models", "/stats"):
        await sophie.send(command)
        await sophie.wait_for_message(lambda m: "owners only" in m.text)
    forged = AuditCallback(view=AuditView.EXPORT).pack()
    menu = await open_menu(sophie)
    answer = await sophie.press_forged(menu, forged)
    assert "owners only" in (answer.text or "")
    assert not [m for m in sophie.private_chat.visible_messages() if m.kind == "document"]


async def test_models_and_stats_match_the_data(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    # Work on one day, from 10:00 UTC (the group's zone), so "today" is unambiguous.
    now = bot.clock.now()
    ten = datetime.combine(now.date() + timedelta(days=1), time(10), tzinfo=UTC)
    await bot.advance(ten - now)

    sophie = await approved_model(emulator, db)
    mia = await approved_model(
        emulator, db, user_id=5_000_000_002, first_name="Mia", username="mia"
    )
    await approved_model(emulator, db, user_id=5_000_000_003, first_name="Nell", username="nell")
    await complete_profile(sophie)
    await go_live(sophie, "2 h")
    await bot.advance(timedelta(hours=2))  # hers expires: 2 h live
    await sophie.wait_for_message(lambda m: "Your listing ended" in m.text)
    await bot.advance(timedelta(minutes=30))
    await complete_profile(mia)
    await go_live(mia, "4 h")

    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia")
    panel = await open_menu(owner)
    assert "1 listing is live now" in panel.text
    assert f"Sophie ({mia.id})" in panel.text  # her profile's name, with her id

    await owner.send("/stats")
    stats = await owner.wait_for_message(lambda m: "The group in figures" in m.text)
    assert "Models approved: 3" in stats.text
    assert "Live now: 1" in stats.text
    assert "Listings today: 2" in stats.text
    assert "Listings this week: 2" in stats.text
    assert "Median time live (30 days): 2 h" in stats.text
    assert "Busiest hour (30 days): 10:00–10:59" in stats.text
    assert "Open reports: 0" in stats.text

    await owner.press(panel, "👥 Models")
    models = await owner.wait_for_message(lambda m: "Approved models" in m.text)
    assert "Approved models: 3 · page 1 of 1" in models.text
    lines = [line for line in models.text.splitlines() if line.startswith("•")]
    assert len(lines) == 3
    assert f"({mia.id})" in lines[0]
    assert "live until" in lines[0]
    today = f"{bot.clock.now():%Y-%m-%d}"
    assert f"last active {today}" in lines[0]
    sophie_line = next(line for line in lines if f"({sophie.id})" in line)
    assert "not live" in sophie_line
    nell_line = next(line for line in lines if "5000000003" in line)
    assert "never active" in nell_line


async def test_models_turn_page_by_page(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    ids = [5_400_000_000 + number for number in range(12)]
    await UserService(db).approve_many(ids, source=ApprovalSource.APPROVED_ADMINS)
    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia")
    await owner.send("/models")
    first = await owner.wait_for_message(lambda m: "Approved models" in m.text)
    assert "Approved models: 12 · page 1 of 2" in first.text
    assert len([line for line in first.text.splitlines() if line.startswith("•")]) == 10
    assert "⬅️ Previous" not in first.button_texts

    await owner.press(first, "Next ➡️")
    second = await owner.wait_for_message(lambda m: m.edited and "page 2 of 2" in m.text)
    assert second.message_id == first.message_id
    shown = [line for line in second.text.splitlines() if line.startswith("•")]
    assert len(shown) == 2
    assert "Next ➡️" not in second.button_texts
    seen = first.text + second.text
    assert all(str(user_id) in seen for user_id in ids)

    await owner.press(second, "⬅️ Previous")
    await owner.wait_for_message(lambda m: m.edited and "page 1 of 2" in m.text)
    # A page past the end (the list shrank, or a forged button) shows the last one.
    await owner.press_forged(second, ModelsCallback(page=7).pack())
    await owner.wait_for_message(lambda m: m.edited and "page 2 of 2" in m.text)
