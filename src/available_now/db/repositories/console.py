"""Queries behind the owners' console: approved models with their status, the group's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select

from available_now.db.models import Listing, Profile, User
from available_now.db.repositories.base import Repository
from available_now.db.repositories.users import ACCOUNT, account_of
from available_now.domain.users import UserAccount


@dataclass(frozen=True, slots=True)
class ModelRow:
    """An approved model as an owner sees her in `/models`."""

    account: UserAccount
    live_until: datetime | None
    """When her live listing ends; None when she is not live."""


@dataclass(frozen=True, slots=True)
class LiveRow:
    """A live listing in the owner's panel: whose it is, under which profile name, until when."""

    user_id: int
    name: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ListingTimes:
    """When a listing went up and when it came down (None while live)."""

    posted_at: datetime
    ended_at: datetime | None


class ConsoleRepository(Repository):
    async def approved_count(self) -> int:
        total = await self._session.scalar(
            select(func.count()).select_from(User).where(User.is_approved_admin.is_(True))
        )
        return int(total or 0)

    async def approved_models(self, *, offset: int, limit: int) -> list[ModelRow]:
        """Approved models, live ones first (soonest to end first), then by id."""
        live = (
            select(Listing.user_id, func.max(Listing.expires_at).label("live_until"))
            .where(Listing.deleted_at.is_(None))
            .group_by(Listing.user_id)
            .subquery()
        )
        rows = await self._session.execute(
            ACCOUNT.add_columns(live.c.live_until)
            .outerjoin(live, live.c.user_id == User.id)
            .where(User.is_approved_admin.is_(True))
            .order_by(live.c.live_until.is_(None), live.c.live_until, User.id)
            .offset(offset)
            .limit(limit)
        )
        models = []
        for row in rows.mappings():
            values = dict(row)
            live_until = values.pop("live_until")
            models.append(ModelRow(account_of(values), live_until))
        return models

    async def live_now(self, now: datetime, *, limit: int) -> tuple[list[LiveRow], int]:
        """Live listings (soonest to end first) and how many there are in all."""
        live = and_(Listing.deleted_at.is_(None), Listing.expires_at > now)
        total = await self._session.scalar(select(func.count()).select_from(Listing).where(live))
        rows = await self._session.execute(
            select(Listing.user_id, Profile.name, Listing.expires_at)
            .join(Profile, Profile.id == Listing.profile_id)
            .where(live)
            .order_by(Listing.expires_at, Listing.id)
            .limit(limit)
        )
        return [LiveRow(user_id, name, expires_at) for user_id, name, expires_at in rows], int(
            total or 0
        )

    async def listings_posted_since(self, since: datetime) -> list[ListingTimes]:
        rows = await self._session.execute(
            select(Listing.posted_at, Listing.deleted_at).where(Listing.posted_at >= since)
        )
        return [ListingTimes(posted_at, deleted_at) for posted_at, deleted_at in rows]
