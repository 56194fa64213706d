"""Profile link tokens on both databases: made with the profile, unique, and voided on revocation
or deletion; an upgrade gives every existing profile its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError

from available_now.db import migrate
from available_now.db.database import Database
from available_now.db.engine import create_engine
from available_now.db.models import Profile
from available_now.domain.audit import ApprovalSource, ErasureRequester
from available_now.domain.clock import ManualClock
from available_now.domain.links import LINK_TOKEN_LENGTH, token_from_payload
from available_now.domain.profiles import ContactMethod, ServiceOffer, ServiceType
from available_now.services.access import AccessService
from available_now.services.erasure import ErasureService
from available_now.services.listings import ListingService
from available_now.services.profiles import ProfileService
from available_now.services.users import UserService

from .posting import post_accepted

GROUP = -1_001_234_567_890
OWNER = 1_000


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at=datetime(2026, 12, 1, 20, 0, tzinfo=UTC))


async def _live_model(db: Database, clock: ManualClock, user_id: int) -> str:
    """An approved model with a complete profile, live in the group; her link token."""
    await UserService(db).approve_many([user_id], source=ApprovalSource.APPROVED_ADMINS)
    profiles = ProfileService(db, clock=clock)
    await profiles.start(user_id, f"Model {user_id}")
    await profiles.save_service(user_id, ServiceOffer(ServiceType.OTHER, other_service="Dinner"))
    await profiles.set_text(user_id, "about", "Hi")
    await profiles.set_contact(user_id, ContactMethod.EMAIL, "m@example.com")
    await profiles.set_text(user_id, "rates", "Ask")
    assert await profiles.complete(user_id) == []
    listings = ListingService(db, durations=[2], clock=clock)
    started = await listings.start(user_id, GROUP, 2)
    assert started.listing is not None
    assert await post_accepted(db, clock, user_id)
    view = await profiles.get(user_id)
    assert view is not None
    return view.link_token


async def test_each_profile_gets_its_own_token(db: Database, clock: ManualClock) -> None:
    tokens = [await _live_model(db, clock, user_id) for user_id in (1, 2, 3)]
    assert len(set(tokens)) == 3
    for token in tokens:
        assert len(token) == LINK_TOKEN_LENGTH
        assert token_from_payload(f"p_{token}") == token


async def test_a_token_opens_her_profile_while_she_is_live(
    db: Database, clock: ManualClock
) -> None:
    token = await _live_model(db, clock, 1)
    listings = ListingService(db, durations=[2], clock=clock)
    linked = await listings.linked_profile(token, GROUP)
    assert linked is not None
    assert linked.profile.user_id == 1
    assert linked.listing is not None
    elsewhere = await listings.linked_profile(token, GROUP - 1)
    assert elsewhere is not None
    assert elsewhere.listing is None
    assert await listings.linked_profile(token.swapcase(), GROUP) is None
    clock.advance(timedelta(hours=2))  # past her time, before the worker has been round
    linked = await listings.linked_profile(token, GROUP)
    assert linked is not None
    assert linked.listing is None


async def test_revoking_access_voids_her_links(db: Database, clock: ManualClock) -> None:
    token = await _live_model(db, clock, 1)
    other = await _live_model(db, clock, 2)
    await AccessService(db, frozenset({OWNER}), clock=clock).revoke(OWNER, 1)
    listings = ListingService(db, durations=[2], clock=clock)
    assert await listings.linked_profile(token, GROUP) is None
    profile = await ProfileService(db).get(1)
    assert profile is not None
    assert profile.link_token != token
    assert len(profile.link_token) == LINK_TOKEN_LENGTH
    still = await listings.linked_profile(other, GROUP)
    assert still is not None
    assert still.profile.user_id == 2


async def test_a_deleted_profile_takes_its_token_with_it(db: Database, clock: ManualClock) -> None:
    token = await _live_model(db, clock, 1)
    profiles = ProfileService(db, clock=clock)
    assert await ErasureService(db, clock=clock).erase(
        1, actor_id=1, requested_by=ErasureRequester.SELF
    )
    listings = ListingService(db, durations=[2], clock=clock)
    assert await listings.linked_profile(token, GROUP) is None
    again = await profiles.start(1, "Model 1")
    assert again.link_token != token
    assert await listings.linked_profile(token, GROUP) is None


async def test_the_database_refuses_a_shared_token(db: Database, clock: ManualClock) -> None:
    token = await _live_model(db, clock, 1)
    await UserService(db).approve_many([2], source=ApprovalSource.APPROVED_ADMINS)
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            session.add(Profile(user_id=2, name="Copy", link_token=token))


async def test_upgrading_gives_existing_profiles_a_token_each(empty_database_url: URL) -> None:
    await migrate.upgrade(empty_database_url, "0004")
    engine = create_engine(empty_database_url, pool_size=1)
    try:
        async with engine.begin() as connection:
            for user_id in (1, 2):
                await connection.execute(
                    text("INSERT INTO users (id) VALUES (:id)"), {"id": user_id}
                )
                await connection.execute(
                    text("INSERT INTO profiles (user_id, name) VALUES (:id, 'Model')"),
                    {"id": user_id},
                )
        await migrate.upgrade(empty_database_url)
        async with engine.connect() as connection:
            tokens = list(await connection.scalars(text("SELECT link_token FROM profiles")))
    finally:
        await engine.dispose()
    assert len(set(tokens)) == 2
    assert all(token_from_payload(f"p_{token}") == token for token in tokens)
