"""The database handle services use: one short transaction per use case."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from available_now.db.encryption import DataCipher
from available_now.db.engine import READ_ONLY, create_engine, create_session_factory
from available_now.db.types import bound_cipher


class Database:
    """Owns the engine; `transaction()` is the unit of work.

    A transaction commits when its block ends normally and rolls back on an exception. Keeping
    transactions short (no Telegram calls inside) matters most on SQLite, where each one holds
    the single write lock from its first statement (`BEGIN IMMEDIATE`).
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = create_session_factory(engine)
        self._read_engine = engine.execution_options(**{READ_ONLY: True})
        self._readers = create_session_factory(self._read_engine)

    @classmethod
    def from_url(
        cls, url: str | URL, *, pool_size: int = 10, cipher: DataCipher | None = None
    ) -> Database:
        return cls(create_engine(url, pool_size=pool_size, cipher=cipher))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def cipher(self) -> DataCipher | None:
        """The data key of the encrypted columns (None: they can be read only as stored)."""
        return bound_cipher(self.engine.dialect)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A transaction that only reads: on SQLite it does not queue for the write lock."""
        async with self._readers() as session, session.begin():
            yield session

    @asynccontextmanager
    async def read_rows(self) -> AsyncIterator[AsyncConnection]:
        """A read-only Core connection for the per-update hot path: no ORM session to build."""
        async with self._read_engine.connect() as connection:
            yield connection

    async def dispose(self) -> None:
        await self.engine.dispose()
