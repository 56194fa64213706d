"""Queries on `reports`: filing, counting, and the one conditional update that decides."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update

from available_now.db.models import Report
from available_now.db.repositories.base import Repository, from_row
from available_now.domain.reports import ReportReason, ReportStatus, ReportView


def _view(row: Report) -> ReportView:
    return from_row(
        ReportView, row, reason=ReportReason(row.reason), status=ReportStatus(row.status)
    )


class ReportRepository(Repository):
    async def add(
        self,
        *,
        listing_id: int,
        reported_user_id: int,
        reporter_id: int,
        reason: ReportReason,
        note: str | None,
        now: datetime,
    ) -> ReportView:
        row = Report(
            listing_id=listing_id,
            reported_user_id=reported_user_id,
            reporter_id=reporter_id,
            reason=reason.value,
            note=note,
            status=ReportStatus.OPEN.value,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return _view(row)

    async def get(self, report_id: int) -> ReportView | None:
        row = await self._session.get(Report, report_id)
        return None if row is None else _view(row)

    async def filed(self, listing_id: int, reporter_id: int) -> bool:
        """Whether this member already reported this listing."""
        found = await self._session.scalar(
            select(Report.id).where(
                Report.listing_id == listing_id, Report.reporter_id == reporter_id
            )
        )
        return found is not None

    async def last_filed_at(self, reporter_id: int) -> datetime | None:
        return await self._session.scalar(
            select(func.max(Report.created_at)).where(Report.reporter_id == reporter_id)
        )

    async def count_for_listing(self, listing_id: int) -> int:
        count = await self._session.scalar(
            select(func.count()).select_from(Report).where(Report.listing_id == listing_id)
        )
        return int(count or 0)

    async def decide(
        self, report_id: int, status: ReportStatus, *, decided_by: int, now: datetime
    ) -> bool:
        """Close the report if it is still open; False when another decision came first.

        One conditional UPDATE: of two owners deciding at the same moment, exactly one
        changes the row (PostgreSQL re-checks the condition after the row lock; SQLite
        serialises writers).
        """
        result = await self._session.execute(
            update(Report)
            .where(Report.id == report_id, Report.status == ReportStatus.OPEN.value)
            .values(status=status.value, decided_by=decided_by, decided_at=now)
            .returning(Report.id)
        )
        return result.scalar() is not None

    async def close_open_for_listing(
        self, listing_id: int, status: ReportStatus, *, decided_by: int, now: datetime
    ) -> int:
        """Close the listing's other open reports with the same decision; how many."""
        closed = await self._session.scalars(
            update(Report)
            .where(Report.listing_id == listing_id, Report.status == ReportStatus.OPEN.value)
            .values(status=status.value, decided_by=decided_by, decided_at=now)
            .returning(Report.id)
        )
        return len(list(closed))

    async def open_count(self) -> int:
        count = await self._session.scalar(
            select(func.count()).select_from(Report).where(Report.status == ReportStatus.OPEN)
        )
        return int(count or 0)

    async def open_reports(self, limit: int) -> list[ReportView]:
        """The oldest open reports first: they have waited longest."""
        rows = await self._session.scalars(
            select(Report)
            .where(Report.status == ReportStatus.OPEN.value)
            .order_by(Report.created_at, Report.id)
            .limit(limit)
        )
        return [_view(row) for row in rows]

    async def open_counts_about(self, user_ids: Sequence[int]) -> dict[int, int]:
        """Open reports per reported model among ``user_ids`` (models without any are absent)."""
        if not user_ids:
            return {}
        rows = await self._session.execute(
            select(Report.reported_user_id, func.count())
            .where(
                Report.reported_user_id.in_(user_ids),
                Report.status == ReportStatus.OPEN.value,
            )
            .group_by(Report.reported_user_id)
        )
        return {int(user_id): int(count) for user_id, count in rows}

    async def open_count_about(self, user_id: int) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(Report)
            .where(Report.reported_user_id == user_id, Report.status == ReportStatus.OPEN.value)
        )
        return int(count or 0)

    async def delete_involving(self, user_id: int) -> int:
        """Delete the reports she filed and those about her (an erasure); how many."""
        removed = await self._session.scalars(
            delete(Report)
            .where(or_(Report.reporter_id == user_id, Report.reported_user_id == user_id))
            .returning(Report.id)
        )
        return len(list(removed))
