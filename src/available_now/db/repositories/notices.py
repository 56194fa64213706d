"""Queries on `pending_notices`, the durable queue of notices to models.

Claimed like the deletion queue: `FOR UPDATE SKIP LOCKED` on PostgreSQL and a lease, so any
number of instances share the sending and a notice claimed by a crashed one is retried.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from available_now.db.models import Listing, PendingNotice
from available_now.db.repositories.base import Repository
from available_now.db.repositories.listings import to_view
from available_now.domain.notices import NoticeKind
from available_now.domain.notices import PendingNotice as Notice


class NoticeRepository(Repository):
    def add(self, user_id: int, kind: NoticeKind, listing_id: int, *, now: datetime) -> None:
        self._session.add(
            PendingNotice(user_id=user_id, kind=kind.value, listing_id=listing_id, send_after=now)
        )

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> list[Notice]:
        """The first due notices no other transaction holds; leased until `now + lease`."""
        rows = list(
            await self._session.execute(
                select(PendingNotice, Listing)
                .join(Listing, Listing.id == PendingNotice.listing_id)
                .where(PendingNotice.send_after <= now)
                .order_by(PendingNotice.send_after, PendingNotice.id)
                .limit(limit)
                .with_for_update(of=PendingNotice, skip_locked=True)
            )
        )
        claimed = []
        for notice, listing in rows:
            notice.send_after = now + lease
            notice.attempts += 1
            claimed.append(
                Notice(
                    id=notice.id,
                    user_id=notice.user_id,
                    kind=NoticeKind(notice.kind),
                    listing=to_view(listing),
                    attempts=notice.attempts,
                    live=listing.deleted_at is None and listing.expires_at > now,
                )
            )
        await self._session.flush()
        return claimed

    async def remove(self, ids: Sequence[int]) -> None:
        if ids:
            await self._session.execute(delete(PendingNotice).where(PendingNotice.id.in_(ids)))

    async def retry(self, notice_id: int, at: datetime) -> None:
        await self._session.execute(
            update(PendingNotice).where(PendingNotice.id == notice_id).values(send_after=at)
        )

    async def next_due(self) -> datetime | None:
        return await self._session.scalar(select(func.min(PendingNotice.send_after)))
