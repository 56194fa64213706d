"""Listings on both databases: one live slot, extension caps, and exactly-once expiry."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from available_now.db.database import Database
from available_now.db.repositories.audit import AuditTrail
from available_now.domain.audit import ApprovalSource
from available_now.domain.clock import ManualClock
from available_now.domain.listings import MAX_LIFETIME, MessagePurpose
from available_now.domain.profiles import ContactMethod, ServiceOffer, ServiceType
from available_now.services.listings import GoLiveOutcome, ListingService
from available_now.services.profiles import ProfileService
from available_now.services.users import UserService

from .posting import claim_post, post_accepted

GROUP = -1_001_234_567_890


async def _model(db: Database, user_id: int) -> None:
    await UserService(db).approve_many([user_id], source=ApprovalSource.APPROVED_ADMINS)
    profiles = ProfileService(db)
    await profiles.start(user_id, f"Model {user_id}")
    await profiles.save_service(user_id, ServiceOffer(ServiceType.OTHER, other_service="Dinner"))
    await profiles.set_text(user_id, "about", "Hi")
    await profiles.set_contact(user_id, ContactMethod.EMAIL, "m@example.com")
    await profiles.set_text(user_id, "rates", "Ask")
    assert await profiles.complete(user_id) == []


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at=datetime(2026, 11, 29, 20, 0, tzinfo=UTC))


@pytest.fixture
def listings(db: Database, clock: ManualClock) -> ListingService:
    return ListingService(db, durations=[2, 4, 6], clock=clock)


async def _go_live(
    db: Database,
    clock: ManualClock,
    listings: ListingService,
    user_id: int,
    message_id: int,
    hours: int = 2,
) -> None:
    result = await listings.start(user_id, GROUP, hours)
    assert result.outcome is GoLiveOutcome.READY_TO_POST
    assert await post_accepted(db, clock, message_id)


async def test_one_live_listing_per_model_and_group(db: Database, listings: ListingService) -> None:
    await _model(db, 1)
    results = await asyncio.gather(*(listings.start(1, GROUP, 2) for _ in range(4)))
    outcomes = sorted(r.outcome.value for r in results)
    assert outcomes.count(GoLiveOutcome.READY_TO_POST.value) == 1
    assert outcomes.count(GoLiveOutcome.ALREADY_LIVE.value) == 3
    assert (await listings.start(1, GROUP, 3)).outcome is GoLiveOutcome.BAD_DURATION


async def test_drafts_and_unapproved_users_cannot_go_live(
    db: Database, listings: ListingService
) -> None:
    await UserService(db).approve_many([2], source=ApprovalSource.APPROVED_ADMINS)
    assert (await listings.start(2, GROUP, 2)).outcome is GoLiveOutcome.NO_PROFILE
    await ProfileService(db).start(2, "Draft")
    assert (await listings.start(2, GROUP, 2)).outcome is GoLiveOutcome.INCOMPLETE
    assert (await listings.start(3, GROUP, 2)).outcome is GoLiveOutcome.NOT_APPROVED


async def test_extension_moves_expiry_and_stays_inside_the_delete_window(
    db: Database, listings: ListingService, clock: ManualClock
) -> None:
    await _model(db, 1)
    await _go_live(db, clock, listings, 1, 10, hours=6)
    extension = await listings.extend(1, GROUP, 6)
    assert extension is not None
    assert extension.listing.expires_at == clock.now() + timedelta(hours=12)
    assert not extension.capped
    for _ in range(8):
        extension = await listings.extend(1, GROUP, 6)
    assert extension is not None
    assert extension.capped
    assert extension.listing.expires_at == clock.now() + MAX_LIFETIME
    jobs_due_early = await listings.claim_deletions(10, timedelta(minutes=1))
    assert jobs_due_early == []  # the post's removal moved with the expiry


async def test_expiry_is_claimed_exactly_once_by_concurrent_workers(
    db: Database, listings: ListingService, clock: ManualClock
) -> None:
    for user_id in range(1, 21):
        await _model(db, user_id)
        await _go_live(db, clock, listings, user_id, 100 + user_id)
        clock.advance(timedelta(seconds=4))  # the group's pace: each gets a post of her own
    clock.advance(timedelta(hours=2, seconds=1))
    batches = await asyncio.gather(*(listings.expire_due(limit=7) for _ in range(6)))
    expired = [listing.id for batch in batches for listing in batch]
    while more := await listings.expire_due(limit=7):
        expired += [listing.id for listing in more]
    assert len(expired) == len(set(expired)) == 20

    claims = await asyncio.gather(
        *(listings.claim_deletions(limit=6, lease=timedelta(minutes=1)) for _ in range(5))
    )
    claimed = [job.message_id for batch in claims for job in batch]
    assert len(claimed) == len(set(claimed))
    async with db.transaction() as session:
        expire_rows = await AuditTrail(session).entries(limit=100)
    assert sum(1 for e in expire_rows if e.action == "expire_listing") == 20


async def test_lease_hands_a_crashed_claim_to_the_next_worker(
    db: Database, listings: ListingService, clock: ManualClock
) -> None:
    await _model(db, 1)
    await _go_live(db, clock, listings, 1, 55)
    await listings.end(1, GROUP, actor_id=1)
    first = await listings.claim_deletions(10, timedelta(minutes=2))
    assert [job.message_id for job in first] == [55]
    assert await listings.claim_deletions(10, timedelta(minutes=2)) == []
    clock.advance(timedelta(minutes=3))  # the first worker died without reporting
    second = await listings.claim_deletions(10, timedelta(minutes=2))
    assert [(job.message_id, job.attempts) for job in second] == [(55, 2)]
    await listings.deleted(second)
    clock.advance(timedelta(hours=1))
    assert await listings.claim_deletions(10, timedelta(minutes=2)) == []


async def test_available_lists_live_models_with_their_services(
    db: Database, listings: ListingService, clock: ManualClock
) -> None:
    for user_id in (1, 2, 3):
        await _model(db, user_id)
    await _go_live(db, clock, listings, 1, 11, hours=2)
    await _go_live(db, clock, listings, 2, 12, hours=6)
    entries, total = await listings.available(GROUP)
    assert total == 2
    assert [e.name for e in entries] == ["Model 2", "Model 1"]
    assert entries[0].services == (ServiceType.OTHER,)
    profiles = ProfileService(db)
    tokens = [(await profiles.get(user_id)) for user_id in (2, 1)]
    assert [e.link_token for e in entries] == [p.link_token for p in tokens if p is not None]
    await listings.end(2, GROUP, actor_id=2)
    entries, total = await listings.available(GROUP)
    assert [e.name for e in entries] == ["Model 1"]
    assert (await listings.available(GROUP - 1)) == ([], 0)


async def test_a_listing_ended_while_posting_is_removed_at_once(
    db: Database, listings: ListingService, clock: ManualClock
) -> None:
    await _model(db, 1)
    result = await listings.start(1, GROUP, 2)
    assert result.listing is not None
    outbox, job = await claim_post(db, clock)
    await listings.end(1, GROUP, actor_id=1)
    assert not await outbox.posted(job, 77)
    jobs = await listings.claim_deletions(10, timedelta(minutes=1))
    assert [(j.message_id, j.purpose) for j in jobs] == [(77, MessagePurpose.LISTING)]
