"""The database handle services use: one short transaction per use case."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from available_now.db import per_update
from available_now.db.encryption import DataCipher
from available_now.db.engine import (
    NO_TRANSACTION,
    READ_ONLY,
    create_engine,
    create_session_factory,
)
from available_now.db.statistics import DatabaseWork, count_work
from available_now.db.types import bound_cipher

logger = logging.getLogger(__name__)

CHECKPOINT_WAIT_MS = 2000
"""How long a checkpoint after an erasure waits for readers before giving up for now."""


class Database:
    """Owns the engine; `transaction()` is the unit of work.

    A transaction commits when its block ends normally and rolls back on an exception. Keeping
    transactions short (no Telegram calls inside) matters most on SQLite, where each one holds
    the single write lock from its first statement (`BEGIN IMMEDIATE`).
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.work: DatabaseWork = count_work(engine)
        """Transactions and statements so far (`AVAILABLE_NOW_STATS_FILE`, the budget test)."""
        self._sessions = create_session_factory(engine)
        self._read_engine = engine.execution_options(**{READ_ONLY: True})
        self._readers = create_session_factory(self._read_engine)
        # The per-update read's statements need no snapshot of their own (what they show is
        # checked again under a lock by any write), so on PostgreSQL they run without a
        # transaction: two round trips fewer (BEGIN, ROLLBACK) on nearly every update.
        self._row_reader = (
            self._read_engine.execution_options(isolation_level="AUTOCOMMIT")
            if engine.dialect.name == "postgresql"
            else self._read_engine
        )

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

    def handling_update(self) -> AbstractAsyncContextManager[per_update.UpdateScope]:
        """While the enclosed code handles an update, its writes share one transaction
        (`db/per_update.py`)."""
        return per_update.handling_update(self, self._sessions)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        scope = per_update.current(self)
        if scope is not None:
            async with scope.block() as session:
                yield session
            return
        async with self._sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A transaction that only reads: on SQLite it does not queue for the write lock.

        During an update that has written, the update's own transaction, which sees its
        changes."""
        scope = per_update.current(self)
        if scope is not None and scope.session is not None:
            yield scope.session
            return
        async with self._readers() as session, session.begin():
            yield session

    @asynccontextmanager
    async def read_rows(self) -> AsyncIterator[AsyncConnection]:
        """A read-only Core connection for the per-update hot path: no ORM session to build."""
        scope = per_update.current(self)
        if scope is not None and scope.session is not None:
            yield await scope.session.connection()
            return
        async with self._row_reader.connect() as connection:
            yield connection

    async def flush_deleted_pages(self) -> bool:
        """After personal data was deleted: on SQLite, copy the write-ahead log into the file
        (where `secure_delete` zeroed the rows) and truncate the `-wal` file, so old copies of
        the pages do not linger there. Best effort: False when readers kept part of the log
        (the next automatic checkpoint overwrites it). PostgreSQL reclaims dead rows by
        (auto)vacuum instead (docs/deletion.md)."""
        if self.dialect != "sqlite":
            return True
        scope = per_update.current(self)
        if scope is not None:
            await scope.commit()  # the deletion must be in the file before it is checkpointed
        try:
            async with self.engine.connect() as connection:
                outside = await connection.execution_options(**{NO_TRANSACTION: True})
                await outside.exec_driver_sql(f"PRAGMA busy_timeout={CHECKPOINT_WAIT_MS}")
                try:
                    result = await outside.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                    busy = result.first()
                finally:
                    await outside.exec_driver_sql("PRAGMA busy_timeout=30000")
        except SQLAlchemyError as error:
            logger.warning("WAL checkpoint after an erasure failed: %s", type(error).__name__)
            return False
        done = busy is not None and busy[0] == 0
        if not done:
            logger.info("WAL checkpoint after an erasure was partial: readers were busy")
        return done

    async def dispose(self) -> None:
        await self.engine.dispose()
