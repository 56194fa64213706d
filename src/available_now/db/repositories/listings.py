"""Queries on `listings` and the `scheduled_deletions` queue behind them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from available_now.db.models import Listing, ScheduledDeletion


class ListingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def end_live_for_user(self, user_id: int, *, reason: str, now: datetime) -> list[int]:
        """Close the user's live listings and make their messages due for removal at once.

        The rows stay (with `deleted_at` and `ended_reason`), and the cleanup queue removes the
        group messages, so this is safe inside any transaction: no Telegram call here.
        """
        ended = list(
            await self._session.scalars(
                update(Listing)
                .where(Listing.user_id == user_id, Listing.deleted_at.is_(None))
                .values(deleted_at=now, ended_reason=reason)
                .returning(Listing.id)
            )
        )
        if ended:
            await self._session.execute(
                update(ScheduledDeletion)
                .where(
                    ScheduledDeletion.listing_id.in_(ended),
                    ScheduledDeletion.deleted_at.is_(None),
                )
                .values(delete_after=now)
            )
        return ended

    async def live_ids_for_user(self, user_id: int) -> list[int]:
        return list(
            await self._session.scalars(
                select(Listing.id).where(Listing.user_id == user_id, Listing.deleted_at.is_(None))
            )
        )
