"""The profile use cases on both databases, with their audit rows."""

from __future__ import annotations

import asyncio

import pytest

from available_now.db.database import Database
from available_now.domain.audit import AuditAction, ErasureRequester
from available_now.domain.profiles import (
    ContactMethod,
    InPersonType,
    MediaType,
    ServiceOffer,
    ServiceType,
)
from available_now.domain.users import TelegramIdentity
from available_now.services.erasure import ErasureService
from available_now.services.profiles import MediaOutcome, ProfileNotFoundError, ProfileService
from available_now.services.users import UserService

from ..audit import audit_actions

ANN = TelegramIdentity(id=5_100_000_001, username="ann", first_name="Ann", last_name=None)


@pytest.fixture
async def profiles(db: Database) -> ProfileService:
    await UserService(db).register_seen(ANN)
    return ProfileService(db)


async def test_a_draft_becomes_a_complete_profile(profiles: ProfileService, db: Database) -> None:
    await profiles.start(ANN.id, "Ann")
    await profiles.save_service(
        ANN.id,
        ServiceOffer(
            ServiceType.IN_PERSON, in_person_type=InPersonType.BOTH, in_person_location="London"
        ),
    )
    assert await profiles.complete(ANN.id) == ["about", "a contact", "rates"]
    await profiles.set_text(ANN.id, "about", "Hello")
    await profiles.set_contact(ANN.id, ContactMethod.PHONE, "+442079460958")
    await profiles.set_text(ANN.id, "rates", "On request")
    assert await profiles.complete(ANN.id) == []
    view = await profiles.get(ANN.id)
    assert view is not None
    assert view.completed
    assert view.contact_value == "+442079460958"
    assert view.services[0].in_person_type is InPersonType.BOTH
    assert await audit_actions(db) == [
        "register_user",
        "create_profile",
        "add_service",
        "update_profile",
        "update_profile",
        "update_profile",
        "update_profile",
        "complete_profile",
    ]


async def test_changing_the_contact_method_clears_the_old_value(profiles: ProfileService) -> None:
    await profiles.start(ANN.id, "Ann")
    await profiles.set_contact(ANN.id, ContactMethod.EMAIL, "ann@example.com")
    await profiles.set_contact(ANN.id, ContactMethod.TELEGRAM, "ann")
    view = await profiles.get(ANN.id)
    assert view is not None
    assert (view.contact_method, view.email, view.telegram_username) == (
        ContactMethod.TELEGRAM,
        None,
        "ann",
    )


async def test_a_service_of_the_same_type_is_replaced(
    profiles: ProfileService, db: Database
) -> None:
    await profiles.start(ANN.id, "Ann")
    await profiles.save_service(ANN.id, ServiceOffer(ServiceType.OTHER, other_service="Dinner"))
    await profiles.save_service(ANN.id, ServiceOffer(ServiceType.OTHER, other_service="Travel"))
    view = await profiles.get(ANN.id)
    assert view is not None
    assert [s.other_service for s in view.services] == ["Travel"]
    assert await profiles.remove_service(ANN.id, ServiceType.OTHER)
    assert not await profiles.remove_service(ANN.id, ServiceType.OTHER)
    assert (await audit_actions(db))[-3:] == ["add_service", "update_service", "remove_service"]


async def test_concurrent_album_items_are_neither_lost_nor_doubled(
    profiles: ProfileService, db: Database
) -> None:
    await profiles.start(ANN.id, "Ann")
    files = [f"unique-{index}" for index in range(12)]

    async def add(unique: str) -> MediaOutcome:
        result = await profiles.add_media(
            ANN.id,
            file_id=f"file-{unique}",
            file_unique_id=unique,
            media_type=MediaType.IMAGE,
            limit=10,
        )
        return result.outcome

    # Twelve photos, each delivered twice (as two instances might), all at once.
    outcomes = await asyncio.gather(*(add(unique) for unique in files + files))
    view = await profiles.get(ANN.id)
    assert view is not None
    assert len(view.photos) == 10
    assert len({m.file_unique_id for m in view.photos}) == 10
    assert sorted(m.position for m in view.photos) == list(range(10))
    assert outcomes.count(MediaOutcome.ADDED) == 10
    assert (await audit_actions(db)).count("add_media") == 10


async def test_reorder_and_remove_keep_positions_dense(profiles: ProfileService) -> None:
    await profiles.start(ANN.id, "Ann")
    for index in range(4):
        await profiles.add_media(
            ANN.id,
            file_id=f"f{index}",
            file_unique_id=f"u{index}",
            media_type=MediaType.IMAGE,
            limit=10,
        )
    view = await profiles.get(ANN.id)
    assert view is not None
    ids = [m.id for m in view.photos]
    assert await profiles.move_media(ANN.id, ids[3], to_position=0)
    removed = await profiles.remove_media(ANN.id, ids[1])
    assert removed is not None
    view = await profiles.get(ANN.id)
    assert view is not None
    assert [m.id for m in view.photos] == [ids[3], ids[0], ids[2]]
    assert [m.position for m in view.photos] == [0, 1, 2]
    assert view.cover is not None
    assert view.cover.id == ids[3]


async def test_someone_elses_media_cannot_be_touched(
    profiles: ProfileService, db: Database
) -> None:
    other = TelegramIdentity(id=42, username="other", first_name="O", last_name=None)
    await UserService(db).register_seen(other)
    await profiles.start(other.id, "Other")
    await profiles.add_media(
        other.id, file_id="f", file_unique_id="u", media_type=MediaType.VIDEO, limit=4
    )
    other_view = await profiles.get(other.id)
    assert other_view is not None
    await profiles.start(ANN.id, "Ann")
    assert await profiles.remove_media(ANN.id, other_view.media[0].id) is None
    assert not await profiles.move_media(ANN.id, other_view.media[0].id, to_position=0)


async def test_an_erased_profile_is_gone_for_the_profile_use_cases(
    profiles: ProfileService, db: Database
) -> None:
    await profiles.start(ANN.id, "Ann")
    await profiles.save_service(ANN.id, ServiceOffer(ServiceType.CUSTOM, custom_payment="PayPal"))
    await profiles.add_media(
        ANN.id, file_id="f", file_unique_id="u", media_type=MediaType.IMAGE, limit=10
    )
    erasure = ErasureService(db)
    held = await erasure.erase(ANN.id, actor_id=ANN.id, requested_by=ErasureRequester.SELF)
    assert held is not None
    assert (held.profile, held.photos, held.services) == (True, 1, 1)
    assert await profiles.get(ANN.id) is None
    again = await erasure.erase(ANN.id, actor_id=ANN.id, requested_by=ErasureRequester.SELF)
    assert again is not None
    assert again.nothing
    assert (await audit_actions(db))[-1] == AuditAction.ERASE_USER
    with pytest.raises(ProfileNotFoundError):
        await profiles.set_text(ANN.id, "about", "x")
