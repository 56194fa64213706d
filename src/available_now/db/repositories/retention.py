"""The deletes behind retention: idle members, finished listings, done removals, stale
conversations.

Each method removes at most ``limit`` rows in two Core statements (pick the ids, then delete
them with the same conditions checked again), so a pass works in short batches on both
databases and a row that came back to life between the two is left alone. Deleting a row that
another instance already deleted simply counts nothing, and ids are taken in order so that
overlapping passes lock rows in the same order: any number of passes may run at once.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, delete, exists, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from available_now.db.base import Base
from available_now.db.models import (
    ConversationState,
    Listing,
    OutboxPost,
    Profile,
    ScheduledDeletion,
    User,
)
from available_now.db.repositories.base import Repository

K = TypeVar("K", int, str)

USER_KEYS_PER_QUERY = 100
"""Users whose conversation keys one query looks for (one LIKE each, kept well below SQLite's
expression depth limit)."""


class RetentionRepository(Repository):
    async def forget_idle_members(
        self, idle_since: datetime, *, protected: Collection[int], limit: int
    ) -> int:
        """Delete up to ``limit`` idle members, and their conversations; returns how many.

        A member here is someone the bot only knows from reading the group's list: never
        approved, not protected (owners, `APPROVED_ADMINS`), no profile (not even a draft), no
        access request pending or decided, no listing, and not seen since ``idle_since``.
        """
        idle = _idle_member(idle_since, protected)
        ids = list(
            await self._session.scalars(select(User.id).where(*idle).order_by(User.id).limit(limit))
        )
        if not ids:
            return 0
        forgotten = list(
            await self._session.scalars(
                delete(User).where(User.id.in_(ids), *idle).returning(User.id)
            )
        )
        await self._delete_conversations_of(forgotten)
        return len(forgotten)

    async def delete_finished_listings(self, ended_before: datetime, *, limit: int) -> int:
        """Listings that ended before ``ended_before``; a removal still pending for one of them
        stays queued (its `listing_id` becomes NULL by the foreign key)."""
        finished = (Listing.deleted_at < ended_before,)
        ids = await self._pick(Listing.id, finished, limit)
        return await self._delete(Listing, Listing.id, ids, finished)

    async def delete_done_deletions(self, done_before: datetime, *, limit: int) -> int:
        """Message removals finished (or given up) before ``done_before``; pending ones stay
        whatever their age."""
        done = (ScheduledDeletion.deleted_at < done_before,)
        ids = await self._pick(ScheduledDeletion.id, done, limit)
        return await self._delete(ScheduledDeletion, ScheduledDeletion.id, ids, done)

    async def delete_settled_posts(self, settled_before: datetime, *, limit: int) -> int:
        """Rows of the group outbox settled (sent, or given up) before ``settled_before``; one
        still being posted or checked stays whatever its age."""
        settled = (OutboxPost.done_at < settled_before,)
        ids = await self._pick(OutboxPost.id, settled, limit)
        return await self._delete(OutboxPost, OutboxPost.id, ids, settled)

    async def delete_stale_conversations(self, untouched_since: datetime, *, limit: int) -> int:
        stale = (ConversationState.updated_at < untouched_since,)
        keys = await self._pick(ConversationState.key, stale, limit)
        return await self._delete(ConversationState, ConversationState.key, keys, stale)

    async def _pick(
        self, column: InstrumentedAttribute[K], where: Sequence[ColumnElement[bool]], limit: int
    ) -> list[K]:
        query = select(column).where(*where).order_by(column).limit(limit)
        return list(await self._session.scalars(query))

    async def _delete(
        self,
        model: type[Base],
        column: InstrumentedAttribute[K],
        ids: Sequence[K],
        where: Sequence[ColumnElement[bool]],
    ) -> int:
        if not ids:
            return 0
        deleted = await self._session.scalars(
            delete(model).where(column.in_(ids), *where).returning(column)
        )
        return len(list(deleted))

    async def _delete_conversations_of(self, user_ids: Sequence[int]) -> None:
        """The FSM storage's rows of these users, in any chat.

        aiogram's keys end in `…:<chat_id>:<user_id>:<destiny>`; a LIKE finds the candidates
        and the exact position of the user id decides.
        """
        for start in range(0, len(user_ids), USER_KEYS_PER_QUERY):
            chunk = {str(user_id) for user_id in user_ids[start : start + USER_KEYS_PER_QUERY]}
            candidates = await self._session.scalars(
                select(ConversationState.key).where(
                    or_(*(ConversationState.key.like(f"%:{user_id}:%") for user_id in chunk))
                )
            )
            keys = [key for key in candidates if _user_in_key(key) in chunk]
            if keys:
                await self._session.execute(
                    delete(ConversationState).where(ConversationState.key.in_(keys))
                )


def _idle_member(idle_since: datetime, protected: Collection[int]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        User.is_approved_admin.is_(False),
        User.banned_at.is_(None),  # forgetting her would forget her ban
        User.access_requested_at.is_(None),
        User.access_rejected_at.is_(None),
        func.coalesce(User.last_seen_at, User.created_at) < idle_since,
        ~exists().where(Profile.user_id == User.id),
        ~exists().where(Listing.user_id == User.id),
    ]
    if protected:
        conditions.append(User.id.not_in(list(protected)))
    return conditions


def _user_in_key(key: str) -> str | None:
    parts = key.split(":")
    return parts[-2] if len(parts) >= 3 else None
