"""The audit trail and the user service, on both backends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from available_now.db.database import Database
from available_now.db.models import AuditLog, User
from available_now.db.repositories.audit import AuditTrail
from available_now.domain.audit import ApprovalSource, AuditAction
from available_now.domain.users import TelegramIdentity
from available_now.services.users import UserService

ALICE = TelegramIdentity(id=5_000_000_001, username="alice", first_name="Alice", last_name=None)


async def test_audit_row_commits_with_the_change(session: AsyncSession) -> None:
    session.add(User(id=1, username="one"))
    AuditTrail(session).record(AuditAction.MARK_AVAILABLE, actor_id=1, expires_at=datetime.now(UTC))
    await session.commit()
    entries = await AuditTrail(session).entries()
    assert [(e.user_id, e.action) for e in entries] == [(1, "mark_available")]
    assert isinstance(entries[0].details["expires_at"], str)


async def test_audit_row_rolls_back_with_the_change(session: AsyncSession) -> None:
    session.add(User(id=1, username="one"))
    AuditTrail(session).record(AuditAction.REGISTER_USER, actor_id=1)
    await session.rollback()
    assert await AuditTrail(session).entries() == []
    assert await session.get(User, 1) is None


async def test_entries_filter_and_page_newest_first(session: AsyncSession) -> None:
    trail = AuditTrail(session)
    for index in range(5):
        trail.record(AuditAction.UPDATE_PROFILE, actor_id=index % 2, profile_id=index)
    trail.record(AuditAction.DELETE_PROFILE, actor_id=1)
    await session.commit()
    newest = await trail.entries(limit=2)
    assert [e.action for e in newest] == ["delete_profile", "update_profile"]
    older = await trail.entries(before_id=newest[-1].id, limit=10)
    assert [e.details["profile_id"] for e in older] == [3, 2, 1, 0]
    only_updates_by_1 = await trail.entries(user_id=1, action=AuditAction.UPDATE_PROFILE)
    assert [e.details["profile_id"] for e in only_updates_by_1] == [3, 1]


async def test_first_sight_registers_and_audits_once(db: Database, session: AsyncSession) -> None:
    account = await UserService(db).register_seen(ALICE)
    again = await UserService(db).register_seen(ALICE)
    assert account == again
    assert account.is_approved is False
    actions = [e.action for e in await AuditTrail(session).entries()]
    assert actions == ["register_user"]


async def test_changed_names_are_updated_and_audited(db: Database, session: AsyncSession) -> None:
    await UserService(db).register_seen(ALICE)
    renamed = TelegramIdentity(id=ALICE.id, username="alice_new", first_name="Ali", last_name="X")
    account = await UserService(db).register_seen(renamed)
    assert (account.username, account.first_name, account.last_name) == ("alice_new", "Ali", "X")
    latest = (await AuditTrail(session).entries(limit=1))[0]
    assert latest.action == "update_user"
    assert latest.details == {"fields": ["username", "first_name", "last_name"]}


async def test_a_username_moves_to_its_new_owner(db: Database, session: AsyncSession) -> None:
    await UserService(db).register_seen(ALICE)
    bob = TelegramIdentity(id=6_000_000_002, username="alice", first_name="Bob", last_name=None)
    account = await UserService(db).register_seen(bob)
    assert account.username == "alice"
    previous = await session.get(User, ALICE.id)
    assert previous is not None
    assert previous.username is None


async def test_concurrent_first_updates_register_one_user(
    db: Database, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await asyncio.gather(*(UserService(db).register_seen(ALICE) for _ in range(5)))
    async with session_factory() as session:
        users = (await session.scalars(select(User))).all()
        registrations = (
            await session.scalars(select(AuditLog).where(AuditLog.action == "register_user"))
        ).all()
    assert [u.id for u in users] == [ALICE.id]
    assert len(registrations) == 1


async def test_approve_many_creates_and_approves_and_audits_changes_only(
    db: Database, session: AsyncSession
) -> None:
    await UserService(db).register_seen(ALICE)
    changed = await UserService(db).approve_many(
        [ALICE.id, 42, 42], source=ApprovalSource.APPROVED_ADMINS
    )
    assert changed == [ALICE.id, 42]
    assert (
        await UserService(db).approve_many([ALICE.id, 42], source=ApprovalSource.APPROVED_ADMINS)
        == []
    )
    approvals = await AuditTrail(session).entries(action=AuditAction.APPROVE_USER)
    assert sorted(e.details["target_user_id"] for e in approvals) == [42, ALICE.id]
    for user_id in (ALICE.id, 42):
        user = await session.get(User, user_id)
        assert user is not None
        assert user.is_approved_admin
