"""Queries on `listings` and on `scheduled_deletions`, the durable queue behind them.

Claiming due rows uses `FOR UPDATE SKIP LOCKED` on PostgreSQL, so several instances share the
work and each row is taken by exactly one; SQLite serialises writers instead (its transactions
begin IMMEDIATE), which gives the same guarantee on one host.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, selectinload

from available_now.db.models import Listing, Profile, ScheduledDeletion
from available_now.db.repositories.base import Repository, from_row
from available_now.domain.listings import DeletionJob, EndReason, ListingView, MessagePurpose
from available_now.domain.profiles import ServiceType

_Claimed = TypeVar("_Claimed", Listing, ScheduledDeletion)


def to_view(row: Listing) -> ListingView:
    return from_row(ListingView, row)


# The list's rendering has its own entry (`domain.rendering.AvailableEntry`, with the finished
# link): the data layer knows the token, never the bot's username that a link needs.
@dataclass(frozen=True, slots=True)
class LiveEntry:
    """One line of the group's `/available` answer."""

    name: str
    services: tuple[ServiceType, ...]
    expires_at: datetime
    link_token: str
    """Her profile's deep-link token: the list links to her without naming her account."""


async def remove_message_now(
    session: AsyncSession, chat_id: int, message_id: int, now: datetime, **also: Any
) -> None:
    """The message's pending removal falls due now (``also``: other columns of the row to
    change with it, e.g. ``listing_id=None`` so it no longer moves with a listing)."""
    await session.execute(
        update(ScheduledDeletion)
        .where(
            ScheduledDeletion.chat_id == chat_id,
            ScheduledDeletion.message_id == message_id,
            ScheduledDeletion.deleted_at.is_(None),
        )
        .values(delete_after=now, **also)
    )


class ListingRepository(Repository):
    # --- listings ---------------------------------------------------------------------------

    async def create(
        self,
        *,
        user_id: int,
        profile_id: int,
        group_id: int,
        hours: int,
        posted_at: datetime,
        expires_at: datetime,
    ) -> ListingView:
        row = Listing(
            user_id=user_id,
            profile_id=profile_id,
            group_id=group_id,
            duration_hours=hours,
            posted_at=posted_at,
            expires_at=expires_at,
        )
        self._session.add(row)
        await self._session.flush()
        return to_view(row)

    async def get(self, listing_id: int) -> ListingView | None:
        row = await self._session.get(Listing, listing_id)
        return to_view(row) if row else None

    async def live_for_user(
        self, user_id: int, group_id: int, *, lock: bool = False
    ) -> ListingView | None:
        query = select(Listing).where(
            Listing.user_id == user_id,
            Listing.group_id == group_id,
            Listing.deleted_at.is_(None),
        )
        if lock:
            query = query.with_for_update()
        row = await self._session.scalar(query)
        return to_view(row) if row else None

    async def live_expiry(self, listing_id: int) -> datetime | None:
        """When the listing expires, or None when it is not live (ended, or gone)."""
        return await self._session.scalar(
            select(Listing.expires_at).where(Listing.id == listing_id, Listing.deleted_at.is_(None))
        )

    async def set_message(self, listing_id: int, message_id: int) -> None:
        await self._session.execute(
            update(Listing).where(Listing.id == listing_id).values(message_id=message_id)
        )

    async def detach_message(
        self, listing_id: int, chat_id: int, message_id: int, now: datetime
    ) -> None:
        """The listing's post is being replaced: the old one is due for removal now and no
        longer moves with the listing (an extension must not keep it)."""
        await self._session.execute(
            update(Listing)
            .where(Listing.id == listing_id, Listing.message_id == message_id)
            .values(message_id=None)
        )
        await remove_message_now(self._session, chat_id, message_id, now, listing_id=None)

    async def set_expiry(self, listing_id: int, expires_at: datetime) -> None:
        """Move the expiry and the removal of the listing's messages with it."""
        await self._session.execute(
            update(Listing)
            .where(Listing.id == listing_id)
            .values(expires_at=expires_at, reminder_sent_at=None)
        )
        await self._session.execute(
            update(ScheduledDeletion)
            .where(
                ScheduledDeletion.listing_id == listing_id,
                ScheduledDeletion.deleted_at.is_(None),
            )
            .values(delete_after=expires_at)
        )

    async def end(self, listing_id: int, *, reason: EndReason, now: datetime) -> bool:
        """Close a live listing and make its messages due now; False if it was not live."""
        result = await self._session.execute(
            update(Listing)
            .where(Listing.id == listing_id, Listing.deleted_at.is_(None))
            .values(deleted_at=now, ended_reason=reason.value)
            .returning(Listing.id)
        )
        if result.scalar() is None:
            return False
        await self._due_now([listing_id], now)
        return True

    async def end_live_for_user(
        self, user_id: int, *, reason: EndReason, now: datetime
    ) -> list[int]:
        """Close the user's live listings in every group; their messages become due at once."""
        ended = list(
            await self._session.scalars(
                update(Listing)
                .where(Listing.user_id == user_id, Listing.deleted_at.is_(None))
                .values(deleted_at=now, ended_reason=reason.value)
                .returning(Listing.id)
            )
        )
        await self._due_now(ended, now)
        return ended

    async def end_live_in_group(
        self, group_id: int, *, reason: EndReason, now: datetime
    ) -> list[ListingView]:
        """Close every live listing in the group; what they were, for telling the models."""
        rows = list(
            await self._session.scalars(
                select(Listing)
                .where(Listing.group_id == group_id, Listing.deleted_at.is_(None))
                .order_by(Listing.id)
                .with_for_update()
            )
        )
        for row in rows:
            row.deleted_at = now
            row.ended_reason = reason.value
        await self._session.flush()
        return [to_view(row) for row in rows]

    async def abandon_deletions(self, chat_id: int, now: datetime, *, note: str) -> int:
        """Give up the chat's pending removals (the bot cannot reach it); how many there were."""
        abandoned = list(
            await self._session.scalars(
                update(ScheduledDeletion)
                .where(
                    ScheduledDeletion.chat_id == chat_id,
                    ScheduledDeletion.deleted_at.is_(None),
                )
                .values(deleted_at=now, last_error=note)
                .returning(ScheduledDeletion.id)
            )
        )
        return len(abandoned)

    async def _due_now(self, listing_ids: Sequence[int], now: datetime) -> None:
        if not listing_ids:
            return
        await self._session.execute(
            update(ScheduledDeletion)
            .where(
                ScheduledDeletion.listing_id.in_(listing_ids),
                ScheduledDeletion.deleted_at.is_(None),
            )
            .values(delete_after=now)
        )

    async def claim_expired(self, now: datetime, limit: int) -> list[ListingView]:
        """Mark due listings expired; each is returned to exactly one caller."""
        rows = await self._claim(
            Listing,
            where=(Listing.deleted_at.is_(None), Listing.expires_at <= now),
            order_by=(Listing.expires_at,),
            limit=limit,
        )
        for row in rows:
            row.deleted_at = now
            row.ended_reason = EndReason.EXPIRED.value
        await self._session.flush()
        await self._due_now([row.id for row in rows], now)
        return [to_view(row) for row in rows]

    async def claim_reminders(
        self, now: datetime, lead: timedelta, limit: int
    ) -> list[ListingView]:
        rows = await self._claim(
            Listing,
            where=(
                Listing.deleted_at.is_(None),
                Listing.reminder_sent_at.is_(None),
                Listing.expires_at > now,
                Listing.expires_at <= now + lead,
                Listing.posted_at <= now - lead,
            ),
            order_by=(Listing.expires_at,),
            limit=limit,
        )
        for row in rows:
            row.reminder_sent_at = now
        await self._session.flush()
        return [to_view(row) for row in rows]

    async def live_in_group(
        self, group_id: int, now: datetime, limit: int
    ) -> tuple[list[LiveEntry], int]:
        """Who is live in the group (soonest to expire last), and how many in all."""
        live = (
            Listing.group_id == group_id,
            Listing.deleted_at.is_(None),
            Listing.expires_at > now,
            Profile.hidden_at.is_(None),  # an owner hid her from the list
        )
        total = await self._session.scalar(
            select(func.count())
            .select_from(Listing)
            .join(Profile, Profile.id == Listing.profile_id)
            .where(*live)
        )
        rows = await self._session.execute(
            select(Listing.expires_at, Profile)
            .join(Profile, Profile.id == Listing.profile_id)
            .where(*live)
            .order_by(Listing.expires_at.desc(), Listing.id)
            .limit(limit)
            .options(selectinload(Profile.offer_types))
        )
        entries = [
            LiveEntry(
                name=profile.name,
                services=tuple(ServiceType(o.service_type) for o in profile.offer_types),
                expires_at=expires_at,
                link_token=profile.link_token,
            )
            for expires_at, profile in rows
        ]
        return entries, int(total or 0)

    async def next_expiry(self) -> datetime | None:
        return await self._session.scalar(
            select(func.min(Listing.expires_at)).where(Listing.deleted_at.is_(None))
        )

    # --- the deletion queue ----------------------------------------------------------------

    async def track(
        self,
        chat_id: int,
        message_ids: Sequence[int],
        *,
        purpose: MessagePurpose,
        delete_after: datetime,
        listing_id: int | None = None,
    ) -> None:
        for message_id in message_ids:
            self._session.add(
                ScheduledDeletion(
                    chat_id=chat_id,
                    message_id=message_id,
                    purpose=purpose.value,
                    listing_id=listing_id,
                    delete_after=delete_after,
                )
            )
        await self._session.flush()

    async def claim_deletions(
        self, now: datetime, limit: int, lease: timedelta
    ) -> list[DeletionJob]:
        """Take due messages for removal; the lease makes another worker retry after a crash."""
        rows = await self._claim(
            ScheduledDeletion,
            where=(ScheduledDeletion.deleted_at.is_(None), ScheduledDeletion.delete_after <= now),
            order_by=(ScheduledDeletion.delete_after, ScheduledDeletion.id),
            limit=limit,
        )
        for row in rows:
            row.delete_after = now + lease
            row.attempts += 1
        await self._session.flush()
        return [from_row(DeletionJob, row, purpose=MessagePurpose(row.purpose)) for row in rows]

    async def finish_deletions(
        self, ids: Sequence[int], now: datetime, *, note: str | None = None
    ) -> None:
        if ids:
            await self._session.execute(
                update(ScheduledDeletion)
                .where(ScheduledDeletion.id.in_(ids))
                .values(deleted_at=now, last_error=note)
            )

    async def retry_deletions(self, ids: Sequence[int], at: datetime, *, error: str) -> None:
        if ids:
            await self._session.execute(
                update(ScheduledDeletion)
                .where(ScheduledDeletion.id.in_(ids))
                .values(delete_after=at, last_error=error[:500])
            )

    async def _claim(
        self,
        model: type[_Claimed],
        *,
        where: tuple[ColumnElement[bool], ...],
        order_by: tuple[InstrumentedAttribute[Any], ...],
        limit: int,
    ) -> list[_Claimed]:
        """The first due rows that no other transaction holds, locked until this one ends.

        The caller marks them before committing, so no other worker ever takes the same row.
        """
        return list(
            await self._session.scalars(
                select(model)
                .where(*where)
                .order_by(*order_by)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )

    async def next_deletion(self) -> datetime | None:
        return await self._session.scalar(
            select(func.min(ScheduledDeletion.delete_after)).where(
                ScheduledDeletion.deleted_at.is_(None)
            )
        )
