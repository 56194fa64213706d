"""Access requests, approval, rejection and revocation."""

from __future__ import annotations

import pytest

from available_now.db.database import Database
from available_now.db.repositories.audit import AuditTrail
from available_now.domain.users import TelegramIdentity
from available_now.services.access import (
    AccessService,
    Decision,
    NotAnOwnerError,
    RequestOutcome,
    UnknownUserError,
)
from available_now.services.users import UserService

OWNER = 1_000
BEA = TelegramIdentity(id=5_200_000_002, username="Bea_Model", first_name="Bea", last_name=None)


@pytest.fixture
async def access(db: Database) -> AccessService:
    await UserService(db).register_seen(BEA)
    return AccessService(db, frozenset({OWNER}))


async def test_request_then_approve(access: AccessService, db: Database) -> None:
    assert (await access.request(BEA.id)).outcome is RequestOutcome.REQUESTED
    assert (await access.request(BEA.id)).outcome is RequestOutcome.ALREADY_PENDING
    assert [u.id for u in await access.pending()] == [BEA.id]
    result = await access.approve(OWNER, BEA.id)
    assert result.decision is Decision.APPROVED
    assert result.user.is_approved
    assert await access.pending() == []
    assert (await access.request(BEA.id)).outcome is RequestOutcome.ALREADY_APPROVED
    assert (await access.approve(OWNER, BEA.id)).decision is Decision.UNCHANGED
    async with db.transaction() as session:
        entries = await AuditTrail(session).entries()
    assert [(e.action, e.user_id) for e in entries[:2]] == [
        ("approve_user", OWNER),
        ("request_access", BEA.id),
    ]


async def test_reject_clears_the_request(access: AccessService) -> None:
    await access.request(BEA.id)
    result = await access.reject(OWNER, BEA.id)
    assert result.decision is Decision.REJECTED
    assert not result.user.is_approved
    assert await access.pending() == []
    assert (await access.reject(OWNER, BEA.id)).decision is Decision.UNCHANGED


async def test_revoke_withdraws_approval(access: AccessService) -> None:
    await access.approve(OWNER, BEA.id)
    result = await access.revoke(OWNER, BEA.id)
    assert result.decision is Decision.REVOKED
    assert not result.user.is_approved
    assert (await access.revoke(OWNER, BEA.id)).decision is Decision.UNCHANGED


async def test_only_owners_decide(access: AccessService) -> None:
    with pytest.raises(NotAnOwnerError):
        await access.approve(BEA.id, BEA.id)
    with pytest.raises(NotAnOwnerError):
        await access.revoke(12345, BEA.id)


async def test_resolve_by_id_or_username_case_insensitively(access: AccessService) -> None:
    assert (await access.resolve(str(BEA.id))).id == BEA.id
    assert (await access.resolve("@bea_model")).id == BEA.id
    with pytest.raises(UnknownUserError):
        await access.resolve("@nobody")
