"""After a rejection, a new access request waits for the cooldown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from available_now.db.database import Database
from available_now.domain.clock import ManualClock
from available_now.domain.users import TelegramIdentity
from available_now.services.access import AccessService, RequestOutcome
from available_now.services.users import UserService

from ..audit import audit_actions

OWNER = 1_000
BEA = TelegramIdentity(id=5_200_000_002, username="bea", first_name="Bea", last_name=None)


async def test_a_rejected_user_may_ask_again_once_the_cooldown_has_passed(db: Database) -> None:
    clock = ManualClock(at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    await UserService(db, clock=clock).register_seen(BEA)
    access = AccessService(db, frozenset({OWNER}), clock=clock)
    assert access.request_cooldown == timedelta(days=7)
    await access.request(BEA.id)
    rejected_at = clock.now()
    await access.reject(OWNER, BEA.id)

    clock.advance(timedelta(days=6, hours=23))
    too_soon = await access.request(BEA.id)
    assert too_soon.outcome is RequestOutcome.TOO_SOON
    assert too_soon.retry_at == rejected_at + timedelta(days=7)
    assert await access.pending() == []

    clock.advance(timedelta(hours=1))
    assert (await access.request(BEA.id)).outcome is RequestOutcome.REQUESTED
    assert [account.id for account in await access.pending()] == [BEA.id]
    assert (await audit_actions(db)).count("request_access") == 2


async def test_approval_forgets_an_earlier_rejection(db: Database) -> None:
    clock = ManualClock()
    await UserService(db, clock=clock).register_seen(BEA)
    access = AccessService(db, frozenset({OWNER}), clock=clock)
    await access.request(BEA.id)
    await access.reject(OWNER, BEA.id)
    await access.approve(OWNER, BEA.id)
    await access.revoke(OWNER, BEA.id)
    assert (await access.request(BEA.id)).outcome is RequestOutcome.REQUESTED


async def test_no_cooldown_when_it_is_set_to_zero(db: Database) -> None:
    await UserService(db).register_seen(BEA)
    access = AccessService(db, frozenset({OWNER}), request_cooldown=timedelta(0))
    await access.request(BEA.id)
    await access.reject(OWNER, BEA.id)
    assert (await access.request(BEA.id)).outcome is RequestOutcome.REQUESTED
