"""Conversation state kept in the database, so a half-finished wizard survives any restart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey

from available_now.db.database import Database
from available_now.db.repositories.conversations import ConversationRepository
from available_now.domain.clock import SYSTEM_CLOCK, Clock

KEYS = DefaultKeyBuilder(with_destiny=True, with_bot_id=True)
"""How conversation keys are built; erasing a person finds hers by this layout
(`db/repositories/personal_data.key_user_id`)."""


class DatabaseStorage(BaseStorage):
    """aiogram FSM storage on `conversation_states`; the SQL is in `ConversationRepository`.

    During an update the row is read once and written at most once, with the update's other
    writes (`db/per_update.py`).
    """

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self._conversations = ConversationRepository(db, clock)
        self._keys = KEYS

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._conversations.save(self._keys.build(key), user_id=key.user_id, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        return await self._conversations.state(self._keys.build(key), user_id=key.user_id)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._conversations.save(self._keys.build(key), user_id=key.user_id, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return await self._conversations.data(self._keys.build(key), user_id=key.user_id)

    async def close(self) -> None:
        """The engine belongs to the application, which disposes of it."""
