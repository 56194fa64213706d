"""Members report listings: one report per member per listing, one every cooldown, audited.

The reporter stays anonymous: the model is never told who, and the owners see the listing,
the reason and the count, not the member. The trail keeps the reporter's id (as the actor) and
the reason, never the note, which only the owners read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.exc import IntegrityError

from available_now.db.database import Database
from available_now.db.unit_of_work import UnitOfWork, UnitsOfWork
from available_now.domain.audit import AuditAction
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.domain.listings import ListingView
from available_now.domain.profiles import ProfileView
from available_now.domain.reports import REPORT_COOLDOWN, ReportReason, ReportView
from available_now.domain.users import UserAccount


class ReportOutcome(StrEnum):
    FILED = "filed"
    MAY_REPORT = "may_report"
    """Checked only (`check`): the member may report this listing now."""
    ALREADY_REPORTED = "already_reported"
    TOO_SOON = "too_soon"
    NOT_LIVE = "not_live"
    OWN_LISTING = "own_listing"


@dataclass(frozen=True, slots=True)
class ReportTarget:
    """The live listing a report link names, and whose it is."""

    profile: ProfileView
    listing: ListingView
    model: UserAccount


@dataclass(frozen=True, slots=True)
class FiledReport:
    outcome: ReportOutcome
    target: ReportTarget | None = None
    report: ReportView | None = None
    count: int = 0
    """How many reports her listing has now, this one included."""
    retry_at: datetime | None = None
    """When the member may report again, for `TOO_SOON`."""


@dataclass(frozen=True, slots=True)
class WaitingReport:
    """An open report as the owner panel shows it again, for owners who missed it."""

    report: ReportView
    name: str
    """Her profile's name (her account's when the profile is gone)."""
    model: UserAccount
    live_until: datetime | None
    """When her listing ends; None when it has ended since the report."""
    count: int
    """How many reports her listing has."""


class ReportService:
    def __init__(
        self, db: Database, *, clock: Clock = SYSTEM_CLOCK, cooldown: timedelta = REPORT_COOLDOWN
    ) -> None:
        self._uow = UnitsOfWork(db, clock)
        self._clock = clock
        self.cooldown = cooldown

    def now(self) -> datetime:
        return self._clock.now()

    async def check(self, reporter_id: int, token: str, group_id: int) -> FiledReport:
        """Whether the member may report the listing behind ``token`` now (nothing written)."""
        async with self._uow.read() as uow:
            return await self._precheck(uow, reporter_id, token, group_id)

    async def file(
        self,
        reporter_id: int,
        token: str,
        group_id: int,
        reason: ReportReason,
        note: str | None = None,
    ) -> FiledReport:
        """File the report, audited; owners are told by the caller."""
        try:
            async with self._uow() as uow:
                checked = await self._precheck(uow, reporter_id, token, group_id)
                if checked.outcome is not ReportOutcome.MAY_REPORT:
                    return checked
                target = checked.target
                assert target is not None
                report = await uow.reports.add(
                    listing_id=target.listing.id,
                    reported_user_id=target.model.id,
                    reporter_id=reporter_id,
                    reason=reason,
                    note=note if reason is ReportReason.OTHER else None,
                    now=self._clock.now(),
                )
                uow.audit.record(
                    AuditAction.REPORT_LISTING,
                    actor_id=reporter_id,
                    report_id=report.id,
                    listing_id=target.listing.id,
                    target_user_id=target.model.id,
                    report_reason=reason,
                )
                count = await uow.reports.count_for_listing(target.listing.id)
        except IntegrityError:
            # A second tap of the same member filed it a moment earlier.
            return FiledReport(ReportOutcome.ALREADY_REPORTED)
        return FiledReport(ReportOutcome.FILED, target, report, count)

    async def open_count(self) -> int:
        """Reports no owner has decided on yet (for the owners' panel)."""
        async with self._uow.read() as uow:
            return await uow.reports.open_count()

    async def open_total(self) -> int:
        """`OpenReports` for the owners' console: the same count as `open_count`."""
        return await self.open_count()

    async def open_by_model(self, user_ids: Sequence[int]) -> Mapping[int, int]:
        """`OpenReports` for the owners' console: open reports per model among ``user_ids``."""
        async with self._uow.read() as uow:
            return await uow.reports.open_counts_about(user_ids)

    async def waiting(self, limit: int) -> list[WaitingReport]:
        """The open reports, oldest first, with what the owners need to decide on them.

        A report reaches no owner who has not opened the bot yet: the panel shows it again.
        """
        waiting: list[WaitingReport] = []
        async with self._uow.read() as uow:
            for report in await uow.reports.open_reports(limit):
                model = await uow.users.get(report.reported_user_id)
                if model is None:
                    continue
                profile = await uow.profiles.view(model.id)
                live_until, count = None, 0
                if report.listing_id is not None:
                    live_until = await uow.listings.live_expiry(report.listing_id)
                    count = await uow.reports.count_for_listing(report.listing_id)
                name = profile.name if profile is not None else model.display_name
                waiting.append(WaitingReport(report, name, model, live_until, count))
        return waiting

    async def _precheck(
        self, uow: UnitOfWork, reporter_id: int, token: str, group_id: int
    ) -> FiledReport:
        now = self._clock.now()
        profile = await uow.profiles.view_by_link(token)
        if profile is None:
            return FiledReport(ReportOutcome.NOT_LIVE)
        if profile.user_id == reporter_id:
            return FiledReport(ReportOutcome.OWN_LISTING)
        listing = await uow.listings.live_for_user(profile.user_id, group_id)
        model = await uow.users.get(profile.user_id)
        if listing is None or listing.expires_at <= now or model is None:
            return FiledReport(ReportOutcome.NOT_LIVE)
        target = ReportTarget(profile, listing, model)
        if await uow.reports.filed(listing.id, reporter_id):
            return FiledReport(ReportOutcome.ALREADY_REPORTED, target)
        last = await uow.reports.last_filed_at(reporter_id)
        if last is not None and now < last + self.cooldown:
            return FiledReport(ReportOutcome.TOO_SOON, target, retry_at=last + self.cooldown)
        return FiledReport(ReportOutcome.MAY_REPORT, target)
