"""Retention on both databases: who is forgotten, what history goes, and what always stays."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, select

from available_now.db.database import Database
from available_now.db.models import (
    ConversationState,
    Listing,
    OutboxPost,
    Profile,
    ScheduledDeletion,
    User,
)
from available_now.db.repositories.audit import AuditEntry, AuditTrail
from available_now.db.repositories.conversations import ConversationRepository
from available_now.domain.audit import ApprovalSource, AuditAction
from available_now.domain.clock import ManualClock
from available_now.domain.retention import RetentionPolicy, RetentionReport
from available_now.domain.users import TelegramIdentity
from available_now.services.access import AccessService
from available_now.services.profiles import ProfileService
from available_now.services.retention import RetentionService
from available_now.services.users import UserService
from available_now.workers.retention import RetentionWorker

GROUP = -1_001_234_567_890
BOT = 123456789
OWNER = 900
IDLE, RECENT, APPROVED, WITH_PROFILE, PENDING, REJECTED, NEVER_SEEN = range(10, 17)
START = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at=START)


@pytest.fixture
def retention(db: Database, clock: ManualClock) -> RetentionService:
    return RetentionService(db, RetentionPolicy(), protected_ids={OWNER}, clock=clock)


def _person(user_id: int) -> TelegramIdentity:
    return TelegramIdentity(id=user_id, username=None, first_name=f"User {user_id}", last_name=None)


def _key(chat_id: int, user_id: int) -> str:
    """A key as the FSM storage builds it (`fsm:<bot>:<chat>:<user>:<destiny>`)."""
    return f"fsm:{BOT}:{chat_id}:{user_id}:default"


async def _user_ids(db: Database) -> set[int]:
    async with db.read() as session:
        return set(await session.scalars(select(User.id)))


async def _retention_rows(db: Database) -> list[AuditEntry]:
    async with db.read() as session:
        return await AuditTrail(session).entries(action=AuditAction.APPLY_RETENTION)


async def test_idle_members_are_forgotten_and_everyone_with_a_reason_is_kept(
    db: Database, clock: ManualClock, retention: RetentionService
) -> None:
    users = UserService(db, clock=clock)
    access = AccessService(db, frozenset({OWNER}), clock=clock)
    conversations = ConversationRepository(db, clock)
    await users.approve_many([APPROVED], source=ApprovalSource.APPROVED_ADMINS)
    for user_id in (IDLE, OWNER, APPROVED, WITH_PROFILE, PENDING, REJECTED):
        await users.register_seen(_person(user_id))
    await users.approve_many([WITH_PROFILE], source=ApprovalSource.APPROVED_ADMINS)
    await ProfileService(db, clock=clock).start(WITH_PROFILE, "Draft")
    await access.revoke(OWNER, WITH_PROFILE)  # no longer approved: only her profile keeps her
    await access.request(PENDING)
    await access.request(REJECTED)
    await access.reject(OWNER, REJECTED)
    await conversations.save(_key(IDLE, IDLE), state="menu")
    await conversations.save(_key(GROUP, IDLE), state="menu")
    async with db.transaction() as session:  # a row from before last_seen_at was kept
        session.add(User(id=NEVER_SEEN, first_name="Old", created_at=START))

    clock.advance(timedelta(days=2))
    await users.register_seen(_person(RECENT))
    await conversations.save(_key(GROUP, RECENT), state="menu")
    clock.advance(timedelta(days=29))  # IDLE: 31 days; RECENT: 29 days

    report = await retention.apply()

    assert report == RetentionReport(members=2)
    assert await _user_ids(db) == {OWNER, APPROVED, WITH_PROFILE, PENDING, REJECTED, RECENT}
    async with db.read() as session:
        keys = set(await session.scalars(select(ConversationState.key)))
    assert keys == {_key(GROUP, RECENT)}
    [row] = await _retention_rows(db)
    assert row.user_id is None
    assert row.created_at == clock.now()
    assert row.details == {
        "forgotten_members": 2,
        "removed_listings": 0,
        "removed_deletion_jobs": 0,
        "removed_conversations": 0,
        "removed_posts": 0,
    }

    assert await retention.apply() == RetentionReport()  # nothing left: no second row
    assert len(await _retention_rows(db)) == 1


async def test_a_member_back_before_the_period_ends_is_kept(
    db: Database, clock: ManualClock, retention: RetentionService
) -> None:
    users = UserService(db, clock=clock)
    await users.register_seen(_person(IDLE))
    clock.advance(timedelta(days=25))
    await users.register_seen(_person(IDLE))
    clock.advance(timedelta(days=25))

    assert await retention.apply() == RetentionReport()
    assert await _user_ids(db) == {IDLE}
    assert await _retention_rows(db) == []


async def test_old_history_goes_and_live_or_recent_history_stays(
    db: Database, clock: ManualClock, retention: RetentionService
) -> None:
    now = clock.now()
    old, recent = now - timedelta(days=91), now - timedelta(days=89)
    async with db.transaction() as session:
        session.add(User(id=1, first_name="Model", is_approved_admin=True))
        profile = Profile(user_id=1, name="Model", completed_at=old)
        session.add(profile)
        await session.flush()

        def listing(message_id: int, ended: datetime | None) -> Listing:
            posted = (ended or now) - timedelta(hours=2)
            return Listing(
                user_id=1,
                profile_id=profile.id,
                group_id=GROUP,
                message_id=message_id,
                duration_hours=2,
                posted_at=posted,
                expires_at=posted + timedelta(hours=2),
                deleted_at=ended,
                ended_reason=None if ended is None else "expired",
            )

        finished_long_ago, finished_lately, live = (
            listing(1, old),
            listing(2, recent),
            listing(3, None),
        )
        session.add_all([finished_long_ago, finished_lately, live])
        await session.flush()

        def removal(message_id: int, done: datetime | None, listing_id: int | None) -> None:
            session.add(
                ScheduledDeletion(
                    chat_id=GROUP,
                    message_id=message_id,
                    purpose="listing",
                    listing_id=listing_id,
                    delete_after=old,
                    deleted_at=done,
                )
            )

        removal(11, old, None)  # done 91 days ago
        removal(12, recent, finished_lately.id)  # done 89 days ago
        removal(13, None, finished_long_ago.id)  # still pending, however old

        def outbox(listing_id: int, done: datetime | None) -> OutboxPost:
            return OutboxPost(
                chat_id=GROUP,
                listing_id=listing_id,
                state="posted" if done else "sending",
                due_at=old,
                done_at=done,
                created_at=old,
            )

        session.add_all(
            [
                outbox(finished_long_ago.id, old),  # settled 91 days ago
                outbox(finished_lately.id, recent),  # settled 89 days ago
                outbox(live.id, None),  # still being settled, however old
            ]
        )
        session.add_all(
            [
                ConversationState(key=_key(1, 1), state="wizard", updated_at=old),
                ConversationState(key=_key(GROUP, 1), state=None, updated_at=recent),
            ]
        )

    report = await retention.apply()

    assert report == RetentionReport(listings=1, deletion_jobs=1, conversations=1, posts=1)
    async with db.read() as session:
        listings = set(await session.scalars(select(Listing.message_id)))
        outbox_rows = set(await session.scalars(select(OutboxPost.listing_id)))
        removals = {
            row.message_id: row.listing_id
            for row in await session.scalars(select(ScheduledDeletion))
        }
        keys = set(await session.scalars(select(ConversationState.key)))
    assert listings == {2, 3}
    assert removals == {12: finished_lately.id, 13: None}  # the pending one lost its listing only
    assert keys == {_key(GROUP, 1)}
    assert outbox_rows == {finished_lately.id, live.id}
    assert await _user_ids(db) == {1}
    [row] = await _retention_rows(db)
    assert row.details == {
        "forgotten_members": 0,
        "removed_listings": 1,
        "removed_deletion_jobs": 1,
        "removed_conversations": 1,
        "removed_posts": 1,
    }


async def test_a_pass_larger_than_a_batch_finishes_with_one_audit_row(
    db: Database, clock: ManualClock
) -> None:
    users = UserService(db, clock=clock)
    for user_id in range(100, 107):
        await users.register_seen(_person(user_id))
    clock.advance(timedelta(days=31))

    small_batches = RetentionService(db, RetentionPolicy(), clock=clock, batch=3)
    assert await small_batches.apply() == RetentionReport(members=7)

    assert await _user_ids(db) == set()
    [row] = await _retention_rows(db)
    assert row.details["forgotten_members"] == 7
    assert await small_batches.last_pass() == clock.now()


async def test_periods_come_from_the_policy(db: Database, clock: ManualClock) -> None:
    users = UserService(db, clock=clock)
    await users.register_seen(_person(IDLE))
    clock.advance(timedelta(days=8))
    week = RetentionPolicy(member_idle=timedelta(days=7), history=timedelta(days=7))
    assert await RetentionService(db, RetentionPolicy(), clock=clock).apply() == RetentionReport()
    assert await RetentionService(db, week, clock=clock).apply() == RetentionReport(members=1)


def test_a_policy_needs_positive_periods() -> None:
    with pytest.raises(ValueError, match="positive"):
        RetentionPolicy(member_idle=timedelta(0))


async def test_the_day_last_seen_is_written_at_most_once_a_day(db: Database) -> None:
    clock = ManualClock(at=datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    users = UserService(db, clock=clock)
    first = await users.register_seen(_person(IDLE))
    assert first.last_seen_at == datetime(2026, 1, 10, tzinfo=UTC)

    writes: list[str] = []

    def count_user_writes(*args: object) -> None:
        statement = str(args[2])
        if statement.lstrip().upper().startswith("UPDATE USERS"):
            writes.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", count_user_writes)
    try:
        clock.advance(timedelta(hours=10))  # 19:00, the same day
        await users.register_seen(_person(IDLE))
        await users.register_seen(_person(IDLE))
        assert writes == []
        assert await _last_seen(db, IDLE) == datetime(2026, 1, 10, tzinfo=UTC)

        clock.advance(timedelta(hours=6))  # 01:00 the next day
        again = await users.register_seen(_person(IDLE))
        await users.register_seen(_person(IDLE))
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count_user_writes)
    assert len(writes) == 1
    assert again.last_seen_at == datetime(2026, 1, 11, tzinfo=UTC)
    assert await _last_seen(db, IDLE) == datetime(2026, 1, 11, tzinfo=UTC)
    async with db.read() as session:
        actions = [entry.action for entry in await AuditTrail(session).entries(user_id=IDLE)]
    assert actions == ["register_user"]  # being seen is not a change to audit


async def _last_seen(db: Database, user_id: int) -> datetime | None:
    async with db.read() as session:
        return await session.scalar(select(User.last_seen_at).where(User.id == user_id))


async def test_the_worker_runs_daily_by_the_clock_and_survives_a_failure(
    db: Database, clock: ManualClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    users = UserService(db, clock=clock)
    await users.register_seen(_person(IDLE))
    worker = RetentionWorker(RetentionService(db, RetentionPolicy(), clock=clock))
    worker.start()
    try:
        assert await worker.run_pass() is None  # the first pass waits a minute after start-up
        clock.advance(timedelta(days=31))
        assert await worker.run_pass() == RetentionReport(members=1)
        clock.advance(timedelta(hours=23))
        assert await worker.run_pass() is None  # daily
        clock.advance(timedelta(hours=1))
        assert await worker.run_pass() == RetentionReport()
    finally:
        await worker.stop()

    broken = Database.from_url(f"sqlite:///{tmp_path / 'never-migrated.db'}")
    failing = RetentionWorker(RetentionService(broken, RetentionPolicy(), clock=clock))
    failing.start()
    try:
        clock.advance(timedelta(minutes=1))
        with caplog.at_level(logging.ERROR), pytest.raises(Exception, match="no such table"):
            await failing.run_pass()
        [line] = [
            r.getMessage()
            for r in caplog.records
            if r.levelno >= logging.ERROR and r.getMessage().startswith("retention")
        ]
        assert line.startswith("retention pass failed")
        assert "\n" not in line
        assert await failing.run_pass() is None  # still running; retried in an hour
        clock.advance(timedelta(hours=1))
        with pytest.raises(Exception, match="no such table"):
            await failing.run_pass()
    finally:
        await failing.stop()
        await broken.dispose()
