"""The sending side of the notice queue: claim what is due, then report how each went.

Notices are queued by the use cases that make them due (`ListingService.expire_due`, …), in
their own transactions; this service hands them to the worker that sends them and records the
outcome: sent (the row goes), failed for now (tried again later), or given up.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from available_now.db.database import Database
from available_now.db.unit_of_work import UnitsOfWork
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.domain.notices import PendingNotice


class NoticeService:
    def __init__(self, db: Database, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self._uow = UnitsOfWork(db, clock)
        self._clock = clock

    def now(self) -> datetime:
        return self._clock.now()

    async def claim(self, limit: int, lease: timedelta) -> list[PendingNotice]:
        async with self._uow() as uow:
            return await uow.notices.claim(self.now(), limit, lease)

    async def done(self, notices: Sequence[PendingNotice]) -> None:
        """Sent, stale or given up: nothing is kept of it."""
        async with self._uow() as uow:
            await uow.notices.remove([notice.id for notice in notices])

    async def retry_later(self, notice: PendingNotice, delay: timedelta) -> None:
        async with self._uow() as uow:
            await uow.notices.retry(notice.id, self.now() + delay)

    async def next_due(self) -> datetime | None:
        async with self._uow.read() as uow:
            return await uow.notices.next_due()
