"""Everything stored about one person, found by her user id: read for her export, removed or
reduced when she is erased.

Her conversation states are found by their storage key, which `bot/storage.py` builds with
aiogram's `DefaultKeyBuilder(with_bot_id=True, with_destiny=True)`:
`fsm:<bot id>:<chat id>[:<thread id>]:<user id>:<destiny>`. Her id is the second-to-last part,
in her private chat and in any group alike.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import BigInteger, ColumnElement, cast, delete, func, or_, select, update

from available_now.db.models import (
    AuditLog,
    ConversationState,
    Listing,
    OutboxPost,
    ScheduledDeletion,
    User,
)
from available_now.db.repositories.audit import AuditEntry
from available_now.db.repositories.base import Repository, from_row
from available_now.domain.personal_data import AccountRecord, ConversationRecord, ListingRecord

ACCOUNT_DETAILS = (
    "username",
    "first_name",
    "last_name",
    "language",
    "language_code",
    "access_requested_at",
    "last_seen_at",
)
"""The `users` columns an erasure clears: everything but her id and the owners' decisions
(`is_approved_admin`, and `access_rejected_at`, which the request cooldown reads)."""

_KEY_SEPARATOR = ":"


def key_user_id(key: str) -> int | None:
    """The user id in a conversation key (see the module's docstring), if it has one."""
    parts = key.split(_KEY_SEPARATOR)
    if len(parts) < 5 or not parts[-2].lstrip("-").isdigit():
        return None
    return int(parts[-2])


def _key_chat_id(key: str) -> int:
    return int(key.split(_KEY_SEPARATOR)[2])


def _detail_id(key: str) -> ColumnElement[int]:
    """An id in the audit details, as a 64-bit number on both databases (Telegram ids need it)."""
    return cast(AuditLog.details[key].as_string(), BigInteger)


def _mentions(key: str, value: int) -> ColumnElement[bool]:
    return _detail_id(key) == value


class PersonalDataRepository(Repository):
    async def account(self, user_id: int) -> AccountRecord | None:
        row = await self._session.get(User, user_id, populate_existing=True)
        return (
            None if row is None else from_row(AccountRecord, row, is_approved=row.is_approved_admin)
        )

    async def has_account_details(self, user_id: int) -> bool:
        row = await self._session.get(User, user_id)
        return row is not None and any(getattr(row, name) is not None for name in ACCOUNT_DETAILS)

    async def listings(self, user_id: int) -> list[ListingRecord]:
        rows = await self._session.scalars(
            select(Listing).where(Listing.user_id == user_id).order_by(Listing.id)
        )
        return [from_row(ListingRecord, row, ended_at=row.deleted_at) for row in rows]

    async def pending_posts(self, user_id: int) -> int:
        """Her listings' group posts that are still to be removed."""
        count = await self._session.scalar(
            select(func.count())
            .select_from(ScheduledDeletion)
            .join(Listing, Listing.id == ScheduledDeletion.listing_id)
            .where(Listing.user_id == user_id, ScheduledDeletion.deleted_at.is_(None))
        )
        return int(count or 0)

    async def audit_about(
        self, user_id: int, listing_ids: Sequence[int], profile_id: int | None, limit: int
    ) -> list[AuditEntry]:
        """The trail's rows by her or about her (her account, profile or listings), oldest
        first; at most ``limit``, the newest kept."""
        about_her = [
            AuditLog.user_id == user_id,
            _mentions("user_id", user_id),
            _mentions("target_user_id", user_id),
        ]
        if listing_ids:
            about_her.append(_detail_id("listing_id").in_(listing_ids))
        if profile_id is not None:
            about_her.append(_mentions("profile_id", profile_id))
        rows = (
            await self._session.scalars(
                select(AuditLog).where(or_(*about_her)).order_by(AuditLog.id.desc()).limit(limit)
            )
        ).all()
        return [from_row(AuditEntry, row, details=dict(row.details)) for row in reversed(rows)]

    async def conversations(self, user_id: int) -> list[ConversationRecord]:
        return [
            ConversationRecord(chat_id=_key_chat_id(row.key), state=row.state, data=dict(row.data))
            for row in await self._conversation_rows(user_id)
        ]

    async def _conversation_rows(self, user_id: int) -> list[ConversationState]:
        # The LIKE narrows the scan; the key's own layout decides.
        rows = await self._session.scalars(
            select(ConversationState).where(
                ConversationState.key.like(f"%{_KEY_SEPARATOR}{user_id}{_KEY_SEPARATOR}%")
            )
        )
        return [row for row in rows if key_user_id(row.key) == user_id]

    async def forget_conversations(self, user_id: int) -> int:
        keys = [row.key for row in await self._conversation_rows(user_id)]
        if keys:
            await self._session.execute(
                delete(ConversationState).where(ConversationState.key.in_(keys))
            )
        return len(keys)

    async def delete_listings(self, user_id: int) -> int:
        """Remove her listing rows, and the settled outbox rows of their posts. Their queued
        post removals stay: the queue keeps the chat and message
        (`scheduled_deletions.listing_id` becomes NULL); so does a post whose fate is still
        being settled, which the outbox resolves first.

        The outbox rows go with the listings because SQLite may give a later listing the id
        of a deleted one, and her new listing must not inherit the old one's posts."""
        hers = select(Listing.id).where(Listing.user_id == user_id).scalar_subquery()
        await self._session.execute(
            delete(OutboxPost).where(
                OutboxPost.listing_id.in_(hers), OutboxPost.done_at.is_not(None)
            )
        )
        result = await self._session.execute(delete(Listing).where(Listing.user_id == user_id))
        return int(getattr(result, "rowcount", 0) or 0)

    async def reduce_account(self, user_id: int) -> None:
        """Keep her id and the owners' decisions; clear everything else about her."""
        await self._session.execute(
            update(User).where(User.id == user_id).values(dict.fromkeys(ACCOUNT_DETAILS))
        )
