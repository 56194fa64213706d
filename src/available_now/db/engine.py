"""Engine and session factory set-up for both backends."""

from __future__ import annotations

import contextlib
import logging
import os
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, ExceptionContext
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from available_now.db.encryption import DataCipher
from available_now.db.types import bind_cipher
from available_now.db.url import is_sqlite, sqlite_path, to_async_url

logger = logging.getLogger(__name__)


def create_engine(
    raw_url: str | URL,
    *,
    pool_size: int = 10,
    sqlite_foreign_keys: bool = True,
    cipher: DataCipher | None = None,
) -> AsyncEngine:
    """An async engine with sensible per-backend settings.

    SQLite gets foreign keys switched on (they are off by default there, which would silently
    skip ON DELETE CASCADE), write-ahead logging and a busy timeout so concurrent writers wait
    instead of failing.

    Errors never carry the values of a statement: SQL parameters are hidden
    (`hide_parameters`), and PostgreSQL's DETAIL line, which quotes the offending row or key
    ("Failing row contains (…, +44…)"), is dropped (`_forget_row_values`). A phone number must
    not reach a log through a failed INSERT.

    `cipher` encrypts and decrypts the `EncryptedText` columns; an engine without one (the
    migrations') can read and write everything else, and refuses to write those columns.
    """
    url = raw_url if isinstance(raw_url, URL) else to_async_url(raw_url)
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is not None:
            _create_private(path)
        engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(
            engine.sync_engine,
            "connect",
            partial(_configure_sqlite, foreign_keys=sqlite_foreign_keys),
        )
        event.listen(engine.sync_engine, "begin", _begin_immediate)
        bind_cipher(engine, cipher)
        return engine
    # Pre-ping costs a round trip per checkout (docs/performance.md) and saves the first
    # request after a server restart from failing on a connection that died with it.
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_recycle=1800,
        pool_pre_ping=True,
        hide_parameters=True,
    )
    event.listen(engine.sync_engine, "handle_error", _forget_row_values)
    bind_cipher(engine, cipher)
    return engine


def _forget_row_values(context: ExceptionContext) -> None:
    """Drop the DETAIL of a PostgreSQL error before anyone formats it.

    asyncpg keeps the server's DETAIL (for constraint violations, the row's or key's values) on
    the exception it raised, and prints it whenever that exception is shown, e.g. as the cause
    in a logged traceback. The message itself names the constraint, which is enough to debug.
    """
    error: BaseException | None = context.original_exception
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if getattr(error, "detail", None) is not None:
            with contextlib.suppress(AttributeError):
                error.detail = None  # type: ignore[attr-defined]
        error = error.__cause__ or error.__context__


def _create_private(path: Path) -> None:
    """Create the SQLite file readable by this user only (0600) before SQLite opens it.

    SQLite gives its `-wal`, `-shm` and `-journal` files the database file's permissions, so
    they are private too. A new folder for it is private as well. An existing file keeps the
    mode its operator gave it; one that others can read is reported once.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            logger.warning(
                "the database file %s can be read by other users; chmod 600 it (and its "
                "-wal and -shm files)",
                path,
            )
        return
    os.close(descriptor)
    # The process umask can only remove bits from the mode asked for; make it exact anyway.
    path.chmod(0o600)


def _configure_sqlite(dbapi_connection: Any, _record: Any, *, foreign_keys: bool) -> None:
    # Let SQLAlchemy, not the driver, decide when transactions begin (see _begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Deleted rows are overwritten with zeros instead of lingering in free space.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


READ_ONLY = "available_now_read_only"
"""Execution option marking transactions that only read (SQLite begins them deferred)."""

NO_TRANSACTION = "available_now_no_transaction"
"""Execution option for SQLite statements that must run outside any transaction (a WAL
checkpoint): no BEGIN is sent."""


def _begin_immediate(connection: Any) -> None:
    """Take SQLite's write lock when a transaction starts, not at its first write.

    With deferred transactions in WAL mode, two transactions that read and then write fail with
    "database is locked" at once (the busy timeout does not apply to a stale snapshot). Starting
    every transaction IMMEDIATE makes writers queue up behind the busy timeout instead. Reads
    (`Database.read`) begin deferred: in WAL mode they never wait for writers.
    """
    options = connection.get_execution_options()
    if options.get(NO_TRANSACTION, False):
        return
    read_only = options.get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
