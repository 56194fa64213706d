"""The notice queue on both databases: queued with the expiry, claimed once, leased, retried."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from available_now.db.database import Database
from available_now.db.models import PendingNotice
from available_now.domain.clock import ManualClock
from available_now.domain.notices import NoticeKind
from available_now.services.listings import ListingService
from available_now.services.notices import NoticeService

from .test_listings_service import _go_live, _model

LEASE = timedelta(minutes=2)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at=datetime(2026, 11, 29, 20, 0, tzinfo=UTC))


async def test_each_expiry_queues_one_notice_claimed_by_one_sender(
    db: Database, clock: ManualClock
) -> None:
    listings = ListingService(db, durations=[2], clock=clock)
    notices = NoticeService(db, clock=clock)
    for user_id in range(1, 13):
        await _model(db, user_id)
        await _go_live(db, clock, listings, user_id, 100 + user_id)
    await _told_posts_are_up(notices)
    clock.advance(timedelta(hours=2, seconds=1))
    assert len(await listings.expire_due(limit=100)) == 12

    batches = await asyncio.gather(*(notices.claim(5, LEASE) for _ in range(4)))
    claimed = [notice for batch in batches for notice in batch]
    while more := await notices.claim(5, LEASE):
        claimed += more
    assert sorted(n.user_id for n in claimed) == list(range(1, 13))
    assert {n.kind for n in claimed} == {NoticeKind.LISTING_ENDED}
    assert all(n.listing.user_id == n.user_id and not n.live for n in claimed)
    # The rows hold who, what and which listing: no words to leak.
    async with db.read() as session:
        columns = set(PendingNotice.__table__.columns.keys())
        assert columns == {
            "id",
            "user_id",
            "kind",
            "listing_id",
            "send_after",
            "attempts",
            "created_at",
        }
        assert len(list(await session.scalars(select(PendingNotice)))) == 12

    # Leased: nobody takes them again until the lease runs out (a sender that crashed).
    assert await notices.claim(100, LEASE) == []
    clock.advance(LEASE + timedelta(seconds=1))
    retried = await notices.claim(100, LEASE)
    assert len(retried) == 12
    assert {n.attempts for n in retried} == {2}

    await notices.retry_later(retried[0], timedelta(seconds=30))
    await notices.done(retried[1:])
    assert await notices.next_due() == clock.now() + timedelta(seconds=30)
    clock.advance(timedelta(seconds=31))
    [last] = await notices.claim(100, LEASE)
    assert last.id == retried[0].id


async def test_reminders_are_queued_once_and_go_stale_when_the_listing_ends(
    db: Database, clock: ManualClock
) -> None:
    listings = ListingService(db, durations=[2], clock=clock)
    notices = NoticeService(db, clock=clock)
    await _model(db, 1)
    await _go_live(db, clock, listings, 1, 101)
    await _told_posts_are_up(notices)
    clock.advance(timedelta(hours=1, minutes=50))
    assert len(await listings.due_reminders(timedelta(minutes=15), 10)) == 1
    assert await listings.due_reminders(timedelta(minutes=15), 10) == []
    await listings.end(1, -1_001_234_567_890, actor_id=1)
    [reminder] = await notices.claim(10, LEASE)
    assert reminder.kind is NoticeKind.LISTING_REMINDER
    assert not reminder.live


async def _told_posts_are_up(notices: NoticeService) -> None:
    """Each go-live queued "your post is up"; those are sent before the story goes on."""
    told = await notices.claim(100, LEASE)
    assert told
    assert {n.kind for n in told} == {NoticeKind.POST_UP}
    await notices.done(told)
