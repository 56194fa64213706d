"""Queries on `conversation_states`: aiogram's FSM state and data, by storage key.

Unlike the other repositories it opens its own transactions: the FSM storage is called by
aiogram outside any use case. During an update (`db/per_update.py`) the row is read once —
together with her account and, for an approved model, her profile, which the handlers need
next — and written at most once, in the update's own commit, and only when it changed.
Outside an update each write is one upsert in its own short transaction.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Executable, bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from available_now.db import per_update
from available_now.db.database import Database
from available_now.db.dialects import dialect_insert, upsert_insert
from available_now.db.models import ConversationState, User
from available_now.db.repositories.profiles import read_view
from available_now.db.repositories.users import ACCOUNT, account_of
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.domain.users import UserAccount


@dataclass
class _Conversation:
    """The row as the update sees it, and as it is stored (None: no row yet)."""

    state: str | None
    data: dict[str, Any]
    stored: tuple[str | None, dict[str, Any]] | None


class ConversationRepository:
    """One row per user and chat; a cleared conversation keeps its (empty) row."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self._db = db
        self._clock = clock

    async def state(self, key: str, *, user_id: int | None = None) -> str | None:
        """Read on every update (aiogram resolves the state first)."""
        scope = per_update.current(self._db)
        if scope is not None:
            return (await self._conversation(scope, key, user_id)).state
        async with self._db.read_rows() as connection:
            return await connection.scalar(
                select(ConversationState.state).where(ConversationState.key == key)
            )

    async def data(self, key: str, *, user_id: int | None = None) -> dict[str, Any]:
        scope = per_update.current(self._db)
        if scope is not None:
            return copy.deepcopy((await self._conversation(scope, key, user_id)).data)
        async with self._db.read() as session:
            row = await session.get(ConversationState, key)
            return dict(row.data) if row else {}

    async def save(self, key: str, *, user_id: int | None = None, **values: Any) -> None:
        """Set only the given columns; a new row gets empty values for the rest."""
        scope = per_update.current(self._db)
        if scope is None:
            async with self._db.transaction() as session:
                await self._upsert(session, key, values)
            return
        conversation = await self._conversation(scope, key, user_id)
        if "state" in values:
            conversation.state = values["state"]
        if "data" in values:
            conversation.data = copy.deepcopy(values["data"])
        unchanged = conversation.stored == (conversation.state, conversation.data)
        if unchanged and not scope.is_applied(key):
            scope.write_pending(key, None)
            return
        state, data = conversation.state, copy.deepcopy(conversation.data)

        async def write(session: AsyncSession) -> None:
            values = {_KEY: key, "state": state, "data": data, "updated_at": self._clock.now()}
            # On the session's connection, as the plain statement it is: through the session
            # it would take the ORM's bulk-insert path, which costs more than running it.
            connection = await session.connection()
            await connection.execute(_whole_upsert(connection.dialect.name), values)

        def written() -> None:
            conversation.stored = (state, copy.deepcopy(data))

        scope.write_pending(key, per_update.PendingWrite(write, written))

    async def _upsert(self, session: AsyncSession, key: str, values: dict[str, Any]) -> None:
        now = self._clock.now()
        row = {"key": key, "state": None, "data": {}, **values}
        statement = upsert_insert(session, ConversationState).values(**row, updated_at=now)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["key"], set_={**values, "updated_at": now}
            )
        )

    async def _conversation(
        self, scope: per_update.UpdateScope, key: str, user_id: int | None
    ) -> _Conversation:
        memo_key = f"conversation:{key}"
        conversation: _Conversation | None = scope.memo.get(memo_key)
        if conversation is None:
            conversation = await self._load(scope, key, user_id)
            scope.memo[memo_key] = conversation
        return conversation

    async def _load(
        self, scope: per_update.UpdateScope, key: str, user_id: int | None
    ) -> _Conversation:
        """The update's first read: the conversation, and what the handlers need next.

        Her account comes in the same statement as her conversation (it is on nearly every
        update), then, for an approved model, her profile."""
        async with self._db.read_rows() as connection:
            found: tuple[str | None, dict[str, Any] | None] | None = None
            read = False
            if user_id is not None and user_id not in scope.accounts:
                account, found = await _account_and_conversation(connection, user_id, key)
                scope.accounts[user_id] = account
                read = account is not None
                if account is not None and account.is_approved:
                    scope.profiles[user_id] = await read_view(connection, user_id=user_id)
            if not read:
                row = (await connection.execute(_CONVERSATION, {_KEY: key})).first()
                found = None if row is None else (row[0], row[1])
        if found is None:
            return _Conversation(None, {}, None)
        state, data = found[0], dict(found[1] or {})
        return _Conversation(state, data, (state, copy.deepcopy(data)))


async def _account_and_conversation(
    connection: AsyncConnection, user_id: int, key: str
) -> tuple[UserAccount | None, tuple[str | None, dict[str, Any] | None] | None]:
    """Her account and her conversation's row (None: no row), in one statement; no account
    means the conversation was not read."""
    row = (
        (await connection.execute(_ACCOUNT_AND_CONVERSATION, {_KEY: key, _USER: user_id}))
        .mappings()
        .first()
    )
    if row is None:
        return None, None
    values = dict(row)
    state, data = values.pop(_STATE), values.pop(_DATA)
    conversation = None if state is None and data is None else (state, data)
    return account_of(values), conversation


_STATE, _DATA = "conversation_state", "conversation_data"
_KEY, _USER = "conversation_key", "user_id"
# Built once: building and hashing a statement costs more than running it.
_CONVERSATION: Final = select(ConversationState.state, ConversationState.data).where(
    ConversationState.key == bindparam(_KEY)
)
_ACCOUNT_AND_CONVERSATION: Final = (
    ACCOUNT.add_columns(ConversationState.state.label(_STATE), ConversationState.data.label(_DATA))
    .outerjoin(ConversationState, ConversationState.key == bindparam(_KEY))
    .where(User.id == bindparam(_USER))
)


@functools.cache
def _whole_upsert(dialect: str) -> Executable:
    """Her conversation's state and data, stored whole: the write of nearly every update,
    built once per database kind."""
    statement = dialect_insert(dialect, ConversationState.__table__).values(
        key=bindparam(_KEY),
        state=bindparam("state"),
        data=bindparam("data"),
        updated_at=bindparam("updated_at"),
    )
    return statement.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "state": statement.excluded.state,
            "data": statement.excluded.data,
            "updated_at": statement.excluded.updated_at,
        },
    )
