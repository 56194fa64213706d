"""The schema holds real Telegram data on both backends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from available_now.db.models import (
    AuditLog,
    Listing,
    Media,
    OfferType,
    Profile,
    ScheduledDeletion,
    User,
)

BIG_USER_ID = 7_000_000_123  # Telegram user ids no longer fit in 32 bits
GROUP_ID = -1_002_345_678_901


async def _profile(session: AsyncSession, user_id: int = BIG_USER_ID) -> Profile:
    session.add(User(id=user_id, username=f"u{user_id}", first_name="Ann"))
    profile = Profile(user_id=user_id, name="Ann", contact_method="telegram")
    session.add(profile)
    await session.flush()
    return profile


async def test_ids_wider_than_32_bits_round_trip(session: AsyncSession) -> None:
    profile = await _profile(session)
    listing = Listing(
        user_id=BIG_USER_ID,
        profile_id=profile.id,
        group_id=GROUP_ID,
        message_id=3_000_000_000,
        duration_hours=2,
        expires_at=datetime.now(UTC) + timedelta(hours=2),
    )
    session.add(listing)
    await session.commit()
    session.expunge_all()
    stored = await session.scalar(select(Listing))
    assert stored is not None
    assert (stored.user_id, stored.group_id, stored.message_id) == (
        BIG_USER_ID,
        GROUP_ID,
        3_000_000_000,
    )


async def test_timestamps_come_back_aware_in_utc(session: AsyncSession) -> None:
    profile = await _profile(session)
    plus_two = timezone(timedelta(hours=2))
    expires = datetime(2026, 12, 24, 20, 30, tzinfo=plus_two)
    session.add(
        Listing(
            user_id=BIG_USER_ID,
            profile_id=profile.id,
            group_id=GROUP_ID,
            message_id=1,
            expires_at=expires,
        )
    )
    await session.commit()
    session.expunge_all()
    stored = await session.scalar(select(Listing))
    assert stored is not None
    assert stored.expires_at == expires
    assert stored.expires_at.utcoffset() == timedelta(0)
    assert stored.posted_at.tzinfo is not None
    assert abs(stored.posted_at - datetime.now(UTC)) < timedelta(minutes=1)


async def test_naive_datetimes_are_refused(session: AsyncSession) -> None:
    profile = await _profile(session)
    session.add(
        Listing(
            user_id=BIG_USER_ID,
            profile_id=profile.id,
            group_id=GROUP_ID,
            message_id=1,
            expires_at=datetime(2026, 1, 1),  # noqa: DTZ001 - the point of the test
        )
    )
    with pytest.raises(StatementError, match="naive datetime"):
        await session.flush()


async def test_message_ids_are_unique_per_chat_only(session: AsyncSession) -> None:
    profile = await _profile(session)
    expires = datetime.now(UTC) + timedelta(hours=1)
    for group in (GROUP_ID, GROUP_ID - 1):
        session.add(
            Listing(
                user_id=BIG_USER_ID,
                profile_id=profile.id,
                group_id=group,
                message_id=42,
                expires_at=expires,
            )
        )
    await session.commit()
    session.add(
        Listing(
            user_id=BIG_USER_ID,
            profile_id=profile.id,
            group_id=GROUP_ID,
            message_id=42,
            expires_at=expires,
        )
    )
    with pytest.raises(IntegrityError):
        await session.commit()


async def test_updated_at_really_updates(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        profile = await _profile(session)
        await session.commit()
        first = profile.updated_at
        await asyncio.sleep(0.01)
        profile.about = "changed"
        await session.commit()
        assert profile.updated_at > first
        assert profile.created_at <= first


async def test_deleting_a_user_cascades_to_everything_of_hers(session: AsyncSession) -> None:
    profile = await _profile(session)
    session.add_all(
        [
            OfferType(
                profile_id=profile.id, service_type="in_person", in_person_type="Incall Only"
            ),
            Media(profile_id=profile.id, file_id="AgAD1", media_type="image", position=0),
            Listing(
                user_id=BIG_USER_ID,
                profile_id=profile.id,
                group_id=GROUP_ID,
                message_id=5,
                expires_at=datetime.now(UTC),
            ),
            AuditLog(user_id=BIG_USER_ID, action="create_profile", details={"name": "Ann"}),
        ]
    )
    await session.flush()
    listing_id = await session.scalar(select(Listing.id))
    session.add(
        ScheduledDeletion(
            chat_id=GROUP_ID,
            message_id=5,
            purpose="listing",
            listing_id=listing_id,
            delete_after=datetime.now(UTC),
        )
    )
    await session.commit()
    await session.execute(delete(User).where(User.id == BIG_USER_ID))
    await session.commit()
    session.expunge_all()
    for model in (Profile, OfferType, Media, Listing):
        assert (await session.scalars(select(model))).all() == []
    # The trail and the cleanup queue outlive the user: the message must still be removed.
    assert len((await session.scalars(select(AuditLog))).all()) == 1
    deletion = await session.scalar(select(ScheduledDeletion))
    assert deletion is not None
    assert deletion.listing_id is None


async def test_check_constraints_keep_the_seed_vocabulary(session: AsyncSession) -> None:
    profile = await _profile(session)
    session.add(OfferType(profile_id=profile.id, service_type="massage"))
    with pytest.raises(IntegrityError):
        await session.flush()


async def test_audit_details_are_json(session: AsyncSession) -> None:
    details = {"fields": ["name", "about"], "listing_id": 2**40, "draft": True, "note": None}
    session.add(AuditLog(user_id=None, action="update_profile", details=details))
    await session.commit()
    session.expunge_all()
    stored = await session.scalar(select(AuditLog))
    assert stored is not None
    assert stored.details == details
