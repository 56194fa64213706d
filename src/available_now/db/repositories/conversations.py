"""Queries on `conversation_states`: aiogram's FSM state and data, by storage key.

Unlike the other repositories it opens its own transactions: the FSM storage is called by
aiogram outside any use case, and each write must be durable the moment the handler moves on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from available_now.db.database import Database
from available_now.db.dialects import upsert_insert
from available_now.db.models import ConversationState
from available_now.domain.clock import SYSTEM_CLOCK, Clock


class ConversationRepository:
    """One row per user and chat; a cleared conversation keeps its (empty) row."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self._db = db
        self._clock = clock

    async def state(self, key: str) -> str | None:
        """Read on every update (aiogram resolves the state first): a plain Core read."""
        async with self._db.read_rows() as connection:
            return await connection.scalar(
                select(ConversationState.state).where(ConversationState.key == key)
            )

    async def data(self, key: str) -> dict[str, Any]:
        async with self._db.read() as session:
            row = await session.get(ConversationState, key)
            return dict(row.data) if row else {}

    async def save(self, key: str, **values: Any) -> None:
        """Set only the given columns in one upsert; a new row gets empty values for the rest."""
        now = self._clock.now()
        row = {"key": key, "state": None, "data": {}, **values}
        async with self._db.transaction() as session:
            statement = upsert_insert(session, ConversationState).values(**row, updated_at=now)
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=["key"], set_={**values, "updated_at": now}
                )
            )
