"""Conversation state survives a new storage instance, as after a restart."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from available_now.bot.storage import DatabaseStorage
from available_now.db.database import Database
from available_now.db.models import ConversationState

KEY = StorageKey(bot_id=123456, chat_id=5_000_000_001, user_id=5_000_000_001)


class Wizard(StatesGroup):
    name = State()


async def test_state_and_data_survive_a_restart(
    db: Database,
) -> None:
    before = DatabaseStorage(db)
    await before.set_state(KEY, Wizard.name)
    await before.update_data(KEY, {"name": "Ann ❤️", "services": ["in_person"]})
    await before.close()

    after = DatabaseStorage(db)
    assert await after.get_state(KEY) == "Wizard:name"
    assert await after.get_data(KEY) == {"name": "Ann ❤️", "services": ["in_person"]}
    other = StorageKey(bot_id=123456, chat_id=1, user_id=1)
    assert await after.get_state(other) is None
    assert await after.get_data(other) == {}


async def test_clearing_keeps_data_and_state_independent(
    db: Database, session: AsyncSession
) -> None:
    storage = DatabaseStorage(db)
    await storage.set_state(KEY, Wizard.name)
    await storage.set_data(KEY, {"a": 1})
    await storage.set_state(KEY, None)
    assert await storage.get_data(KEY) == {"a": 1}
    await storage.set_data(KEY, {})
    await storage.set_state(KEY, Wizard.name)
    assert await storage.get_data(KEY) == {}
    rows = (await session.scalars(select(ConversationState))).all()
    assert [(row.state, row.data) for row in rows] == [("Wizard:name", {})]
