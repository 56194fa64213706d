"""Conversation state kept in the database, so a half-finished wizard survives any restart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy import select

from available_now.db.database import Database
from available_now.db.dialects import upsert_insert
from available_now.db.models import ConversationState
from available_now.db.types import utcnow


class DatabaseStorage(BaseStorage):
    """aiogram FSM storage on the `conversation_states` table.

    Each write is one upsert in its own short transaction: the state must be durable the
    moment the handler moves on, whatever happens to the rest of the update. A cleared
    conversation keeps its (empty) row: one per user and chat, and no read before each write.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._keys = DefaultKeyBuilder(with_destiny=True, with_bot_id=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._upsert(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        """Read on every update (aiogram resolves the state first): a plain Core read."""
        async with self._db.read_rows() as connection:
            return await connection.scalar(
                select(ConversationState.state).where(
                    ConversationState.key == self._keys.build(key)
                )
            )

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._upsert(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._read(key)
        return dict(row.data) if row else {}

    async def close(self) -> None:
        """The engine belongs to the application, which disposes of it."""

    async def _read(self, key: StorageKey) -> ConversationState | None:
        async with self._db.read() as session:
            return await session.get(ConversationState, self._keys.build(key))

    async def _upsert(self, key: StorageKey, **values: Any) -> None:
        """Set only the given column; a new row gets the other one's empty value."""
        row = {"key": self._keys.build(key), "state": None, "data": {}, **values}
        async with self._db.transaction() as session:
            statement = upsert_insert(session, ConversationState).values(**row, updated_at=utcnow())
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=["key"], set_={**values, "updated_at": utcnow()}
                )
            )
