"""Conversation state kept in the database, so a half-finished wizard survives any restart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from available_now.db.dialects import upsert_insert
from available_now.db.models import ConversationState
from available_now.db.types import utcnow


class DatabaseStorage(BaseStorage):
    """aiogram FSM storage on the `conversation_states` table.

    Each write is its own short transaction: the state must be durable the moment the handler
    moves on, whatever happens to the rest of the update. Rows with neither state nor data are
    removed instead of kept.
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._keys = DefaultKeyBuilder(with_destiny=True, with_bot_id=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._read(key)
        return row.state if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._read(key)
        return dict(row.data) if row else {}

    async def close(self) -> None:
        """The engine belongs to the application, which disposes of it."""

    async def _read(self, key: StorageKey) -> ConversationState | None:
        async with self._session_factory() as session:
            return await session.get(ConversationState, self._keys.build(key))

    async def _write(self, key: StorageKey, **values: Any) -> None:
        storage_key = self._keys.build(key)
        async with self._session_factory() as session, session.begin():
            current = await session.scalar(
                select(ConversationState).where(ConversationState.key == storage_key)
            )
            state = values.get("state", current.state if current else None)
            data = values.get("data", dict(current.data) if current else {})
            if state is None and not data:
                await session.execute(
                    delete(ConversationState).where(ConversationState.key == storage_key)
                )
                return
            statement = upsert_insert(session, ConversationState).values(
                key=storage_key, state=state, data=data, updated_at=utcnow()
            )
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=["key"],
                    set_={"state": state, "data": data, "updated_at": utcnow()},
                )
            )
