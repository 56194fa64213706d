"""Retention as it happens to a member: she reads the list once and is forgotten when idle."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from available_now.db.database import Database
from available_now.db.models import User
from available_now.db.repositories.audit import AuditTrail
from available_now.domain.audit import AuditAction
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import SimGroup

from .harness import InProcessBot
from .stories import approved_model

pytestmark = pytest.mark.e2e

MEMBER_ID = 7_100_000_001


async def _stored(db: Database, user_id: int) -> User | None:
    async with db.read() as session:
        return await session.scalar(select(User).where(User.id == user_id))


async def test_a_member_who_only_read_the_list_is_forgotten_after_a_month_idle(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    member = emulator.user(user_id=MEMBER_ID, first_name="Max", username="max_reads")
    group.add_member(member)
    await member.send("/available", chat=group)
    await member.wait_for_message(chat=group)
    seen = await _stored(db, MEMBER_ID)
    assert seen is not None
    assert seen.username == "max_reads"
    assert seen.last_seen_at is not None

    assert await bot.retention_pass() is None  # just started: the first pass is not due yet
    await bot.advance(timedelta(days=31))
    report = await bot.retention_pass()

    assert report is not None
    assert report.members == 1
    assert await _stored(db, MEMBER_ID) is None
    assert await _stored(db, model.id) is not None  # approved: never forgotten
    async with db.read() as session:
        [row] = await AuditTrail(session).entries(action=AuditAction.APPLY_RETENTION)
    assert row.user_id is None
    assert row.details["forgotten_members"] == 1
    assert "max_reads" not in str(row.details)

    assert await bot.retention_pass() is None  # the next pass is a day away
    await member.send("/available", chat=group)  # back again: a new, fresh row
    await member.wait_for_message(chat=group)
    assert await _stored(db, MEMBER_ID) is not None
