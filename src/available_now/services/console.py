"""What the owners read about the group: the panel, the approved models and the figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from statistics import median
from typing import Final

from available_now.db.database import Database
from available_now.db.repositories.console import ListingTimes, LiveRow
from available_now.db.unit_of_work import UnitsOfWork
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.domain.users import UserAccount
from available_now.services.open_reports import OpenReports

STATS_WINDOW: Final = timedelta(days=30)
"""The median duration and the peak hour are read over the listings of this long."""


@dataclass(frozen=True, slots=True)
class Overview:
    """The owner panel's figures."""

    pending: list[UserAccount]
    live: list[LiveRow]
    live_total: int
    open_reports: int | None
    """None when reports are not kept (see `OpenReports`)."""


@dataclass(frozen=True, slots=True)
class ModelStatus:
    account: UserAccount
    live_until: datetime | None
    open_reports: int | None


@dataclass(frozen=True, slots=True)
class ModelsPage:
    models: list[ModelStatus]
    page: int
    pages: int
    total: int


@dataclass(frozen=True, slots=True)
class GroupStats:
    approved: int
    live_now: int
    today: int
    this_week: int
    median_duration: timedelta | None
    """Over the ended listings of the last `STATS_WINDOW`; None when there were none."""
    peak_hour: int | None
    """The hour of day (in the group's zone) most listings of the window went up in."""
    open_reports: int | None


class ConsoleService:
    def __init__(self, db: Database, *, reports: OpenReports, clock: Clock = SYSTEM_CLOCK) -> None:
        self._uow = UnitsOfWork(db, clock)
        self._clock = clock
        self.reports = reports

    def now(self) -> datetime:
        return self._clock.now()

    async def overview(self, *, live_limit: int = 10, pending_limit: int = 50) -> Overview:
        async with self._uow.read() as uow:
            pending = await uow.users.pending_requests(limit=pending_limit)
            live, total = await uow.console.live_now(self._clock.now(), limit=live_limit)
        return Overview(pending, live, total, await self.reports.open_total())

    async def models(self, page: int, *, size: int = 10) -> ModelsPage:
        """One page of the approved models (the last one when ``page`` is past the end)."""
        async with self._uow.read() as uow:
            total = await uow.console.approved_count()
            pages = max(1, -(-total // size))
            page = min(max(page, 0), pages - 1)
            rows = await uow.console.approved_models(offset=page * size, limit=size)
        reports = await self.reports.open_by_model([row.account.id for row in rows])
        statuses = [
            ModelStatus(
                row.account,
                row.live_until,
                None if reports is None else reports.get(row.account.id, 0),
            )
            for row in rows
        ]
        return ModelsPage(statuses, page, pages, total)

    async def stats(self, zone: tzinfo) -> GroupStats:
        now = self._clock.now()
        today = datetime.combine(now.astimezone(zone).date(), time(), tzinfo=zone)
        week = today - timedelta(days=today.weekday())
        window = now - STATS_WINDOW
        async with self._uow.read() as uow:
            approved = await uow.console.approved_count()
            _, live_now = await uow.console.live_now(now, limit=0)
            listings = await uow.console.listings_posted_since(min(week, window))
        return GroupStats(
            approved=approved,
            live_now=live_now,
            today=sum(1 for listing in listings if listing.posted_at >= today),
            this_week=sum(1 for listing in listings if listing.posted_at >= week),
            median_duration=_median_duration(
                [listing for listing in listings if listing.posted_at >= window]
            ),
            peak_hour=_peak_hour(
                [listing for listing in listings if listing.posted_at >= window], zone
            ),
            open_reports=await self.reports.open_total(),
        )


def _median_duration(listings: list[ListingTimes]) -> timedelta | None:
    seconds = [
        (listing.ended_at - listing.posted_at).total_seconds()
        for listing in listings
        if listing.ended_at is not None
    ]
    return timedelta(seconds=median(seconds)) if seconds else None


def _peak_hour(listings: list[ListingTimes], zone: tzinfo) -> int | None:
    """The busiest hour of day; the earliest of equally busy ones."""
    counts: dict[int, int] = {}
    for listing in listings:
        hour = listing.posted_at.astimezone(zone).hour
        counts[hour] = counts.get(hour, 0) + 1
    if not counts:
        return None
    return min(counts, key=lambda hour: (-counts[hour], hour))
