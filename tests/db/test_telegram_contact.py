"""Her Telegram contact is her own current username: set only so, and following it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from available_now.db.database import Database
from available_now.db.models import Profile
from available_now.db.repositories.audit import AuditTrail
from available_now.domain.audit import AuditAction
from available_now.domain.profiles import ContactMethod
from available_now.domain.users import TelegramIdentity
from available_now.domain.validation import NotOwnUsernameError
from available_now.services.profiles import ProfileService
from available_now.services.users import UserService

SOPHIE = TelegramIdentity(
    id=5_700_000_001, username="Sophie_X", first_name="Sophie", last_name=None
)


def _renamed(username: str | None, user_id: int = SOPHIE.id) -> TelegramIdentity:
    return TelegramIdentity(id=user_id, username=username, first_name="Sophie", last_name=None)


@pytest.fixture
async def profiles(db: Database) -> ProfileService:
    await UserService(db).register_seen(SOPHIE)
    service = ProfileService(db)
    await service.start(SOPHIE.id, "Sophie")
    return service


async def _contact(db: Database) -> tuple[str | None, str | None]:
    async with db.read() as session:
        profile = await session.scalar(select(Profile).where(Profile.user_id == SOPHIE.id))
    assert profile is not None
    return profile.contact_method, profile.telegram_username


async def test_only_her_own_username_is_stored_in_its_telegram_spelling(
    profiles: ProfileService, db: Database
) -> None:
    with pytest.raises(NotOwnUsernameError):
        await profiles.set_contact(SOPHIE.id, ContactMethod.TELEGRAM, "someone_else")
    assert await _contact(db) == (None, None)
    await profiles.set_contact(SOPHIE.id, ContactMethod.TELEGRAM, "sophie_x")
    assert await _contact(db) == ("telegram", "Sophie_X")


async def test_the_contact_follows_a_new_username_and_goes_with_none(
    profiles: ProfileService, db: Database
) -> None:
    users = UserService(db)
    await profiles.set_contact(SOPHIE.id, ContactMethod.TELEGRAM, "Sophie_X")
    await users.register_seen(_renamed("sophie_new"))
    assert await _contact(db) == ("telegram", "sophie_new")
    async with db.read() as session:
        trail = AuditTrail(session)
        followed = (await trail.entries(action=AuditAction.UPDATE_PROFILE, limit=1))[0]
    assert followed.user_id == SOPHIE.id
    assert {k: v for k, v in followed.details.items() if k != "profile_id"} == {
        "field": "telegram_username",
        "reason": "username_changed",
    }
    await users.register_seen(_renamed(None))
    assert await _contact(db) == ("telegram", None)
    view = await profiles.get(SOPHIE.id)
    assert view is not None
    assert "a contact" in view.missing_for_completion()


async def test_a_username_taken_by_another_account_leaves_her_contact(
    profiles: ProfileService, db: Database
) -> None:
    await profiles.set_contact(SOPHIE.id, ContactMethod.TELEGRAM, "Sophie_X")
    # She gave the name up and someone else took it before she came back.
    await UserService(db).register_seen(_renamed("sophie_x", user_id=5_700_000_999))
    assert await _contact(db) == ("telegram", None)


async def test_other_contacts_do_not_follow_the_username(
    profiles: ProfileService, db: Database
) -> None:
    await profiles.set_contact(SOPHIE.id, ContactMethod.PHONE, "+442079460958")
    await UserService(db).register_seen(_renamed(None))
    assert await _contact(db) == ("phone", None)
