"""Queries on `users`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Executable, RowMapping, and_, func, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncConnection

from available_now.db.dialects import upsert_insert
from available_now.db.models import User
from available_now.db.repositories.base import Repository
from available_now.domain.users import TelegramIdentity, UserAccount

ACCOUNT = select(
    User.id,
    User.username,
    User.first_name,
    User.last_name,
    # A ban outweighs approval, which it leaves stored: `/unban` gives it back as it was.
    type_coerce(and_(User.is_approved_admin, User.banned_at.is_(None)), Boolean).label(
        "is_approved"
    ),
    User.language,
    User.language_code,
    User.last_seen_at,
    User.banned_at,
)
"""The columns of a `UserAccount`, named as its fields: one mapping for every read."""


def account_of(row: RowMapping | dict[str, Any]) -> UserAccount:
    """A `UserAccount` from a row of `ACCOUNT`'s columns."""
    return UserAccount(**row)


async def find_account(connection: AsyncConnection, user_id: int) -> UserAccount | None:
    """The hot path of every update: one indexed Core read, no ORM session."""
    row = (await connection.execute(ACCOUNT.where(User.id == user_id))).mappings().first()
    return None if row is None else account_of(row)


class UserRepository(Repository):
    async def get(self, user_id: int) -> UserAccount | None:
        return await self._one(ACCOUNT.where(User.id == user_id))

    async def lock(self, user_id: int) -> None:
        """Hold her row until the transaction ends, so that two owners deciding about her at
        once decide one after the other, the second reading the first's outcome (PostgreSQL;
        SQLite's writers take turns already)."""
        await self._session.execute(select(User.id).where(User.id == user_id).with_for_update())

    async def find_by_username(self, username: str) -> list[UserAccount]:
        """Every account stored with ``username`` in any case (Telegram ignores case), the
        exact spelling first.

        Releasing a username frees every spelling of it, so more than one match means stale
        rows from before that; the caller must not guess between them.
        """
        rows = await self._session.execute(
            ACCOUNT.where(func.lower(User.username) == username.lower()).order_by(
                (User.username == username).desc(), User.id
            )
        )
        return [account_of(row) for row in rows.mappings()]

    async def pending_requests(self, limit: int = 50) -> list[UserAccount]:
        rows = await self._session.execute(
            ACCOUNT.where(User.access_requested_at.is_not(None), User.is_approved_admin.is_(False))
            .order_by(User.access_requested_at)
            .limit(limit)
        )
        return [account_of(row) for row in rows.mappings()]

    async def approved_ids(self) -> list[int]:
        """Every approved model's id (their command menu is their own)."""
        return list(
            await self._session.scalars(
                select(User.id).where(User.is_approved_admin.is_(True)).order_by(User.id)
            )
        )

    async def _one(self, query: Executable) -> UserAccount | None:
        row = (await self._session.execute(query)).mappings().first()
        return None if row is None else account_of(row)

    async def access_requested_at(self, user_id: int) -> datetime | None:
        return await self._session.scalar(
            select(User.access_requested_at).where(User.id == user_id)
        )

    async def access_rejected_at(self, user_id: int) -> datetime | None:
        return await self._session.scalar(select(User.access_rejected_at).where(User.id == user_id))

    async def insert_if_absent(
        self, identity: TelegramIdentity, *, approved: bool = False, seen_on: datetime | None = None
    ) -> bool:
        """Insert the user unless a concurrent update already did; True when this call did.

        The conflict target is left open on purpose: a concurrent insert of the same user also
        collides on the username, and either collision means "someone else inserted it".
        """
        values: dict[str, Any] = {
            "id": identity.id,
            "username": identity.username,
            "first_name": identity.first_name,
            "last_name": identity.last_name,
            "language_code": identity.language_code,
            "is_approved_admin": approved,
            "last_seen_at": seen_on,
        }
        statement = upsert_insert(self._session, User).values(**values).on_conflict_do_nothing()
        result = await self._session.execute(statement)
        return bool(getattr(result, "rowcount", 0))

    async def update_fields(self, user_id: int, **fields: Any) -> None:
        row = await self._session.get(User, user_id)
        if row is None:
            return
        for name, value in fields.items():
            setattr(row, name, value)
        await self._session.flush()

    async def mark_seen(self, user_id: int, day: datetime) -> None:
        """Record the day she last used the bot; `updated_at` keeps meaning "her details
        changed", so it is left as it was."""
        await self._session.execute(
            update(User)
            .where(User.id == user_id)
            .values(last_seen_at=day, updated_at=User.updated_at)
        )

    async def release_username(self, username: str, *, keep_user_id: int) -> list[int]:
        """Telegram usernames move between accounts; free it, in any case, from whoever held
        it before (`@Sophie_X` and `@sophie_x` are one username to Telegram)."""
        result = await self._session.execute(
            update(User)
            .where(func.lower(User.username) == username.lower(), User.id != keep_user_id)
            .values(username=None)
            .returning(User.id)
        )
        return list(result.scalars())
