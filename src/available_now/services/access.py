"""Who may build a profile: access requests, approval, rejection and revocation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from available_now.db.database import Database
from available_now.db.unit_of_work import UnitOfWork, UnitsOfWork
from available_now.domain.audit import AuditAction
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.domain.listings import EndReason
from available_now.domain.users import UserAccount
from available_now.services.listings import end_all_live
from available_now.services.signals import WorkSignal


# Each use case answers with its own outcome enum and result: they share a shape with the other
# services' and the domain's values, not a meaning.
class RequestOutcome(StrEnum):
    REQUESTED = "requested"
    ALREADY_PENDING = "already_pending"
    ALREADY_APPROVED = "already_approved"
    TOO_SOON = "too_soon"
    """Rejected less than the cooldown ago."""
    BANNED = "banned"
    """An owner banned her: she may not ask again."""
    OWNER = "owner"
    """Owners decide on requests; they never send one (to themselves)."""


@dataclass(frozen=True, slots=True)
class AccessRequest:
    outcome: RequestOutcome
    retry_at: datetime | None = None
    """When she may ask again, for `TOO_SOON`."""


class Decision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    REVOKED = "revoked"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class DecisionResult:
    decision: Decision
    user: UserAccount
    ended_listings: tuple[int, ...] = ()


class UnknownUserError(LookupError):
    """No user with that id or username has talked to the bot."""


class AmbiguousUserError(LookupError):
    """Several stored accounts carry that @username in some case (stale rows): no guessing."""

    def __init__(self, target: str, candidates: tuple[UserAccount, ...]) -> None:
        super().__init__(target)
        self.candidates = candidates


class NotAnOwnerError(PermissionError):
    """Only the owners named in OWNER_IDS may decide on access."""


class AccessService:
    def __init__(
        self,
        db: Database,
        owner_ids: frozenset[int],
        *,
        clock: Clock = SYSTEM_CLOCK,
        work_due: WorkSignal | None = None,
        request_cooldown: timedelta = timedelta(days=7),
    ) -> None:
        self._uow = UnitsOfWork(db, clock)
        self.owner_ids = owner_ids
        self.request_cooldown = request_cooldown
        self._clock = clock
        self._work_due = work_due or WorkSignal()

    def is_owner(self, user_id: int) -> bool:
        return user_id in self.owner_ids

    async def request(self, user_id: int) -> AccessRequest:
        """Ask the owners for access; after a rejection, only once the cooldown has passed."""
        if self.is_owner(user_id):
            return AccessRequest(RequestOutcome.OWNER)
        now = self._clock.now()
        async with self._uow() as uow:
            account = await _account(uow, user_id)
            if account.is_banned:
                return AccessRequest(RequestOutcome.BANNED)
            if account.is_approved:
                return AccessRequest(RequestOutcome.ALREADY_APPROVED)
            if await uow.users.access_requested_at(user_id) is not None:
                return AccessRequest(RequestOutcome.ALREADY_PENDING)
            rejected_at = await uow.users.access_rejected_at(user_id)
            if rejected_at is not None and now < rejected_at + self.request_cooldown:
                return AccessRequest(
                    RequestOutcome.TOO_SOON, retry_at=rejected_at + self.request_cooldown
                )
            await uow.users.update_fields(user_id, access_requested_at=now)
            uow.audit.record(AuditAction.REQUEST_ACCESS, actor_id=user_id)
            return AccessRequest(RequestOutcome.REQUESTED)

    async def pending(self) -> list[UserAccount]:
        async with self._uow.read() as uow:
            return await uow.users.pending_requests()

    async def resolve(self, target: str) -> UserAccount:
        """A user by numeric id or @username, as typed by an owner.

        A username matches in any case, as in Telegram. When several stored accounts match
        (possible only with rows from before usernames were released in every case), none is
        chosen: acting on the wrong one would approve or revoke someone else, so
        `AmbiguousUserError` lists them, the exact spelling first, for the owner to pick by id.
        """
        text = target.strip()
        async with self._uow.read() as uow:
            if text.lstrip("-").isdigit():
                account = await uow.users.get(int(text))
                found = [account] if account is not None else []
            else:
                found = await uow.users.find_by_username(text.removeprefix("@"))
        if not found:
            raise UnknownUserError(text)
        if len(found) > 1:
            raise AmbiguousUserError(text, tuple(found))
        return found[0]

    async def approve(self, actor_id: int, user_id: int) -> DecisionResult:
        return await self._decide(actor_id, user_id, approve=True)

    async def reject(self, actor_id: int, user_id: int) -> DecisionResult:
        return await self._decide(actor_id, user_id, approve=False)

    async def revoke(self, actor_id: int, user_id: int) -> DecisionResult:
        """Withdraw approval, end the user's live listings and void her profile's links."""
        self._check_owner(actor_id)
        async with self._uow() as uow:
            await uow.users.lock(user_id)
            account = await _account(uow, user_id)
            if not account.is_approved:
                return DecisionResult(Decision.UNCHANGED, account)
            await uow.users.update_fields(
                user_id, is_approved_admin=False, access_requested_at=None
            )
            # Links she shared (or that sit in old posts) must not lead to her any more.
            await uow.profiles.rotate_link_token(user_id)
            ended = await end_all_live(
                uow, user_id, actor_id=actor_id, reason=EndReason.REVOKED, now=self._clock.now()
            )
            uow.audit.record(AuditAction.REVOKE_USER, actor_id=actor_id, target_user_id=user_id)
            updated = await _account(uow, user_id)
        if ended:
            self._work_due.notify()
        return DecisionResult(Decision.REVOKED, updated, tuple(ended))

    async def _decide(self, actor_id: int, user_id: int, *, approve: bool) -> DecisionResult:
        self._check_owner(actor_id)
        async with self._uow() as uow:
            # Two owners pressing Approve on the same request at once: one decides.
            await uow.users.lock(user_id)
            account = await _account(uow, user_id)
            pending = await uow.users.access_requested_at(user_id) is not None
            # A ban is lifted with /unban only, never by approving her again.
            if account.is_approved or account.is_banned or (not approve and not pending):
                return DecisionResult(Decision.UNCHANGED, account)
            if approve:
                await uow.users.update_fields(
                    user_id,
                    is_approved_admin=True,
                    access_requested_at=None,
                    access_rejected_at=None,
                )
                uow.audit.record(
                    AuditAction.APPROVE_USER, actor_id=actor_id, target_user_id=user_id
                )
            else:
                await uow.users.update_fields(
                    user_id, access_requested_at=None, access_rejected_at=self._clock.now()
                )
                uow.audit.record(
                    AuditAction.REJECT_ACCESS, actor_id=actor_id, target_user_id=user_id
                )
            updated = await _account(uow, user_id)
        return DecisionResult(Decision.APPROVED if approve else Decision.REJECTED, updated)

    def _check_owner(self, actor_id: int) -> None:
        if actor_id not in self.owner_ids:
            raise NotAnOwnerError(str(actor_id))


async def _account(uow: UnitOfWork, user_id: int) -> UserAccount:
    account = await uow.users.get(user_id)
    if account is None:
        raise UnknownUserError(str(user_id))
    return account
