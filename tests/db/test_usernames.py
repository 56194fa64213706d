"""Telegram usernames ignore case: they move, and owners find people, in any spelling."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from available_now.db.database import Database
from available_now.db.models import User
from available_now.db.repositories.audit import AuditTrail
from available_now.domain.users import TelegramIdentity
from available_now.services.access import AccessService, AmbiguousUserError, UnknownUserError
from available_now.services.users import UserService

OWNER = 1_000
OLD_HOLDER = TelegramIdentity(
    id=5_400_000_001, username="sophie_x", first_name="Old", last_name=None
)
NEW_HOLDER = TelegramIdentity(
    id=5_400_000_002, username="Sophie_X", first_name="New", last_name=None
)


async def test_a_username_moves_whatever_its_case(db: Database, session: AsyncSession) -> None:
    users = UserService(db)
    await users.register_seen(OLD_HOLDER)
    await users.register_seen(NEW_HOLDER)
    old = await session.get(User, OLD_HOLDER.id)
    assert old is not None
    assert old.username is None
    released = (await AuditTrail(session).entries(user_id=OLD_HOLDER.id, limit=1))[0]
    assert released.details == {
        "fields": ["username"],
        "reason": "username_taken_over",
        "by_user_id": NEW_HOLDER.id,
    }
    access = AccessService(db, frozenset({OWNER}))
    for typed in ("@sophie_x", "@SOPHIE_X", "Sophie_X"):
        assert (await access.resolve(typed)).id == NEW_HOLDER.id


async def test_a_name_held_twice_in_stale_rows_is_refused_with_the_candidates(
    db: Database, session: AsyncSession
) -> None:
    # Rows from before usernames were released in every case.
    session.add_all(
        [
            User(id=OLD_HOLDER.id, username="sophie_x"),
            User(id=NEW_HOLDER.id, username="Sophie_X"),
        ]
    )
    await session.commit()
    access = AccessService(db, frozenset({OWNER}))
    with pytest.raises(AmbiguousUserError) as exact:
        await access.resolve("@Sophie_X")
    assert [account.id for account in exact.value.candidates] == [NEW_HOLDER.id, OLD_HOLDER.id]
    with pytest.raises(AmbiguousUserError) as other_case:
        await access.resolve("@SOPHIE_x")
    assert [account.id for account in other_case.value.candidates] == [
        OLD_HOLDER.id,
        NEW_HOLDER.id,
    ]
    with pytest.raises(UnknownUserError):
        await access.resolve("@sophie_y")

    # Once the old holder is seen with her new username, the name is no longer ambiguous.
    await UserService(db).register_seen(
        TelegramIdentity(id=OLD_HOLDER.id, username="sophie_new", first_name="Old", last_name=None)
    )
    assert (await access.resolve("@sophie_x")).id == NEW_HOLDER.id
