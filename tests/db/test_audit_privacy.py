"""The audit trail records what changed, never the values: by construction and in a story."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from available_now.db.database import Database
from available_now.db.repositories.audit import AuditDetailError, AuditTrail
from available_now.domain.audit import ApprovalSource, AuditAction, AuditField, ErasureRequester
from available_now.domain.listings import EndReason
from available_now.domain.profiles import (
    ContactMethod,
    InPersonType,
    MediaType,
    ServiceOffer,
    ServiceType,
)
from available_now.domain.users import TelegramIdentity
from available_now.services.erasure import ErasureService
from available_now.services.listings import ListingService
from available_now.services.profiles import ProfileService
from available_now.services.users import UserService

from .posting import claim_post

PHONE = "+442079460958"
SECRET_VALUES = (
    "Sophia",
    "Privatename",
    "sophia_hidden",
    PHONE,
    "7946",
    "sophia@example.com",
    "Warm and discreet",
    "Central London",
    "FaceTime, Zoom",
    "PayPal",
    "Revolut",
    "Google Drive",
    "Dinner dates",
    "instagram.com/sophia",
    "Adults only",
    "1 h 200",
    "1 h 250",
    "AgADfile",
)
SOPHIA = TelegramIdentity(
    id=5_300_000_003,
    username="sophia_hidden",
    first_name="Sophia",
    last_name="Privatename",
    language_code="en",
)


async def _every_row_as_text(db: Database) -> list[str]:
    """Each row's details as the database holds them, and as JSON with Unicode kept."""
    async with db.read() as session:
        rows = (await session.execute(text("SELECT CAST(details AS TEXT) FROM audit_log"))).all()
        entries = await AuditTrail(session).entries(limit=10_000)
    return [row[0] for row in rows] + [
        json.dumps(entry.details, ensure_ascii=False) for entry in entries
    ]


async def test_building_editing_and_deleting_a_profile_leaves_no_value_in_the_trail(
    db: Database,
) -> None:
    users, profiles = UserService(db), ProfileService(db)
    listings = ListingService(db, durations=[2])
    await users.register_seen(SOPHIA)
    await users.approve_many([SOPHIA.id], source=ApprovalSource.APPROVED_ADMINS)
    await users.set_language(SOPHIA.id, "es")
    await profiles.start(SOPHIA.id, "Sophia")
    await profiles.set_text(SOPHIA.id, "about", "Warm and discreet")
    await profiles.set_contact(SOPHIA.id, ContactMethod.EMAIL, "sophia@example.com")
    await profiles.set_contact(SOPHIA.id, ContactMethod.PHONE, PHONE)
    offers = [
        ServiceOffer(
            ServiceType.IN_PERSON,
            in_person_type=InPersonType.BOTH,
            in_person_location="Central London",
        ),
        ServiceOffer(
            ServiceType.VIDEO_CALL, facetime_platforms="FaceTime, Zoom", facetime_payment="PayPal"
        ),
        ServiceOffer(ServiceType.CUSTOM, custom_payment="Revolut", custom_delivery="Google Drive"),
        ServiceOffer(ServiceType.OTHER, other_service="Dinner dates"),
    ]
    for offer in offers:
        await profiles.save_service(SOPHIA.id, offer)
    await profiles.save_service(
        SOPHIA.id, ServiceOffer(ServiceType.OTHER, other_service="Dinner dates and travel")
    )
    await profiles.set_text(SOPHIA.id, "social_links", "https://instagram.com/sophia")
    await profiles.set_text(SOPHIA.id, "rates", "1 h 200 £")
    await profiles.set_text(SOPHIA.id, "disclaimer", "Adults only.")
    await profiles.add_media(
        SOPHIA.id,
        file_id="AgADfile-id",
        file_unique_id="AgADfile-unique",
        media_type=MediaType.IMAGE,
        limit=10,
    )
    assert await profiles.complete(SOPHIA.id) == []
    await profiles.set_text(SOPHIA.id, "rates", "1 h 250 £")
    went_live = await listings.start(SOPHIA.id, -100_123, 2)
    assert went_live.listing is not None
    outbox, job = await claim_post(db)
    await outbox.refused(job)  # Telegram refused the post: her slot is freed
    await users.register_seen(
        TelegramIdentity(id=SOPHIA.id, username=None, first_name="Sophia", last_name=None)
    )
    assert await ErasureService(db).erase(
        SOPHIA.id, actor_id=SOPHIA.id, requested_by=ErasureRequester.SELF
    )

    rows = await _every_row_as_text(db)
    assert len(rows) > 40
    for row in rows:
        for value in SECRET_VALUES:
            assert value.lower() not in row.lower(), f"{value!r} is in an audit row: {row}"
    async with db.read() as session:
        entries = await AuditTrail(session).entries(user_id=SOPHIA.id, limit=1000)
    fields = {entry.details.get("field") for entry in entries} - {None}
    # What changed stays readable: the fields, by name.
    assert {"about", "contact_method", "phone", "email", "rates", "language"} <= fields
    services = [e.details for e in entries if e.action == "add_service"]
    assert {"service": "in_person", "fields": ["in_person_type", "in_person_location"]} in [
        {k: v for k, v in d.items() if k != "profile_id"} for d in services
    ]
    register = next(e for e in entries if e.action == "register_user")
    assert register.details == {"fields": ["username", "first_name", "last_name", "language_code"]}


async def test_the_trail_takes_only_known_keys_and_value_free_types(
    session: AsyncSession,
) -> None:
    trail = AuditTrail(session)
    refused: list[dict[str, object]] = [
        {"phone": PHONE},  # an unknown key
        {"field": "phone"},  # a plain string, even one that names a field
        {"reason": "taken over by @sophia"},
        {"fields": ["username"]},
        {"fields": "username"},
        {"profile_id": True},  # a flag is not an id
        {"draft": 1},  # nor a number a flag
        {"service": MediaType.IMAGE},  # a word from another vocabulary
        {"expires_at": "2026-01-01T00:00:00"},
    ]
    for details in refused:
        with pytest.raises(AuditDetailError) as caught:
            trail.record(AuditAction.UPDATE_PROFILE, actor_id=1, **details)  # type: ignore[arg-type]
        assert PHONE not in str(caught.value)
        assert "@sophia" not in str(caught.value)
    trail.record(
        AuditAction.END_LISTING,
        actor_id=None,
        listing_id=7,
        user_id=2**40,
        reason=EndReason.POST_FAILED,
    )
    trail.record(
        AuditAction.UPDATE_USER,
        actor_id=1,
        fields=[AuditField.USERNAME, AuditField.FIRST_NAME, AuditField.USERNAME],
    )
    trail.record(
        AuditAction.EXTEND_LISTING, actor_id=1, hours=2, expires_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    await session.commit()
    stored = [entry.details for entry in reversed(await trail.entries())]
    assert stored == [
        {"listing_id": 7, "user_id": 2**40, "reason": "post_failed"},
        {"fields": ["username", "first_name"]},
        {"hours": 2, "expires_at": "2026-01-01T00:00:00+00:00"},
    ]
