"""The owners' moderation: deciding on reports, bans, and hiding profiles from `/available`.

Each decision is one unit of work with its audit rows. A report is decided by one conditional
UPDATE on its status, so when two owners press at the same moment exactly one decision is
applied and the other is told it was already handled. An owner can never be banned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from available_now.db.database import Database
from available_now.db.unit_of_work import UnitOfWork, UnitsOfWork
from available_now.domain.audit import AuditAction
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.domain.listings import EndReason, ListingView
from available_now.domain.reports import DECISIONS, ReportStatus, ReportView
from available_now.domain.users import UserAccount
from available_now.services.access import NotAnOwnerError, UnknownUserError
from available_now.services.listings import end_all_live, end_listing
from available_now.services.signals import WorkSignal


class ModerationOutcome(StrEnum):
    DONE = "done"
    UNCHANGED = "unchanged"
    """Already so: banned, not banned, hidden or shown."""
    ALREADY_HANDLED = "already_handled"
    """Another owner decided on this report first."""
    OWNER_TARGET = "owner_target"
    """Owners cannot be banned."""
    NO_PROFILE = "no_profile"
    UNKNOWN_REPORT = "unknown_report"


@dataclass(frozen=True, slots=True)
class ReportDecision:
    outcome: ModerationOutcome
    report: ReportView | None = None
    model: UserAccount | None = None
    removed: ListingView | None = None
    """Her listing, when this decision took it down."""


@dataclass(frozen=True, slots=True)
class ModerationResult:
    outcome: ModerationOutcome
    user: UserAccount
    ended_listings: tuple[int, ...] = ()


class ModerationService:
    def __init__(
        self,
        db: Database,
        owner_ids: frozenset[int],
        *,
        clock: Clock = SYSTEM_CLOCK,
        work_due: WorkSignal | None = None,
        posts_due: WorkSignal | None = None,
    ) -> None:
        self._uow = UnitsOfWork(db, clock)
        self.owner_ids = owner_ids
        self._clock = clock
        self._work_due = work_due or WorkSignal()
        self._posts_due = posts_due or WorkSignal()

    async def report(self, report_id: int) -> ReportView | None:
        async with self._uow.read() as uow:
            return await uow.reports.get(report_id)

    async def decide(self, actor_id: int, report_id: int, decision: ReportStatus) -> ReportDecision:
        """Remove her listing, warn her, ban her, or dismiss the report: the first owner wins."""
        self._check_owner(actor_id)
        if decision not in DECISIONS:
            raise ValueError(decision)
        now = self._clock.now()
        removed: ListingView | None = None
        ended: list[int] = []
        async with self._uow() as uow:
            report = await uow.reports.get(report_id)
            if report is None:
                return ReportDecision(ModerationOutcome.UNKNOWN_REPORT)
            target = report.reported_user_id
            if decision is ReportStatus.BANNED and target in self.owner_ids:
                return ReportDecision(ModerationOutcome.OWNER_TARGET, report)
            if not await uow.reports.decide(report_id, decision, decided_by=actor_id, now=now):
                return ReportDecision(
                    ModerationOutcome.ALREADY_HANDLED, await uow.reports.get(report_id)
                )
            listing_id = report.listing_id
            if decision in (ReportStatus.REMOVED, ReportStatus.BANNED) and listing_id is not None:
                # Her listing is gone: the other reports about it are settled with it.
                await uow.reports.close_open_for_listing(
                    listing_id, decision, decided_by=actor_id, now=now
                )
            if decision is ReportStatus.REMOVED and listing_id is not None:
                removed = await end_listing(
                    uow, listing_id, actor_id=actor_id, reason=EndReason.REMOVED_BY_OWNER, now=now
                )
            elif decision is ReportStatus.BANNED:
                ended = await _ban(uow, target, actor_id=actor_id, now=now) or []
            elif decision is ReportStatus.WARNED:
                uow.audit.record(AuditAction.WARN_USER, actor_id=actor_id, target_user_id=target)
            uow.audit.record(
                AuditAction.DECIDE_REPORT,
                actor_id=actor_id,
                report_id=report_id,
                listing_id=listing_id,
                target_user_id=target,
                decision=decision,
            )
            decided = await uow.reports.get(report_id)
            model = await uow.users.get(target)
        if removed is not None or ended:
            self._work_due.notify()
        return ReportDecision(ModerationOutcome.DONE, decided, model, removed)

    async def ban(self, actor_id: int, user_id: int) -> ModerationResult:
        """End her listing, and keep her from going live or asking for access again.

        Her data stays hers: /mydata and deleting it work for a banned user as for anyone.
        """
        self._check_owner(actor_id)
        async with self._uow() as uow:
            account = await _account(uow, user_id)
            if user_id in self.owner_ids:
                return ModerationResult(ModerationOutcome.OWNER_TARGET, account)
            ended = await _ban(uow, user_id, actor_id=actor_id, now=self._clock.now())
            updated = await _account(uow, user_id)
        if ended is None:
            return ModerationResult(ModerationOutcome.UNCHANGED, updated)
        if ended:
            self._work_due.notify()
        return ModerationResult(ModerationOutcome.DONE, updated, tuple(ended))

    async def unban(self, actor_id: int, user_id: int) -> ModerationResult:
        """Lift the ban; her approval is back as it was before."""
        self._check_owner(actor_id)
        async with self._uow() as uow:
            await uow.users.lock(user_id)
            account = await _account(uow, user_id)
            if not account.is_banned:
                return ModerationResult(ModerationOutcome.UNCHANGED, account)
            await uow.users.update_fields(user_id, banned_at=None)
            uow.audit.record(AuditAction.UNBAN_USER, actor_id=actor_id, target_user_id=user_id)
            updated = await _account(uow, user_id)
        return ModerationResult(ModerationOutcome.DONE, updated)

    async def hide(self, actor_id: int, user_id: int, *, hidden: bool = True) -> ModerationResult:
        """Hide her profile from `/available` (or show it again); her posts are untouched."""
        self._check_owner(actor_id)
        async with self._uow() as uow:
            account = await _account(uow, user_id)
            if await uow.profiles.profile_id(user_id) is None:
                return ModerationResult(ModerationOutcome.NO_PROFILE, account)
            changed = await uow.profiles.set_hidden(user_id, self._clock.now() if hidden else None)
            if not changed:
                return ModerationResult(ModerationOutcome.UNCHANGED, account)
            action = AuditAction.HIDE_PROFILE if hidden else AuditAction.UNHIDE_PROFILE
            uow.audit.record(action, actor_id=actor_id, target_user_id=user_id)
            # The living lists in the group show who is not hidden: redraw them.
            await uow.outbox.touch_boards(self._clock.now())
        self._posts_due.notify()
        return ModerationResult(ModerationOutcome.DONE, account)

    def _check_owner(self, actor_id: int) -> None:
        if actor_id not in self.owner_ids:
            raise NotAnOwnerError(str(actor_id))


async def _ban(uow: UnitOfWork, user_id: int, *, actor_id: int, now: datetime) -> list[int] | None:
    """Ban her and end her live listings; the ended ids, or None when she was banned already."""
    await uow.users.lock(user_id)
    account = await uow.users.get(user_id)
    if account is None or account.is_banned:
        return None
    await uow.users.update_fields(user_id, banned_at=now, access_requested_at=None)
    ended = await end_all_live(uow, user_id, actor_id=actor_id, reason=EndReason.BANNED, now=now)
    uow.audit.record(AuditAction.BAN_USER, actor_id=actor_id, target_user_id=user_id)
    return ended


async def _account(uow: UnitOfWork, user_id: int) -> UserAccount:
    account = await uow.users.get(user_id)
    if account is None:
        raise UnknownUserError(str(user_id))
    return account
