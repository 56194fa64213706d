"""Apply Alembic migrations safely, also when several instances start at the same moment."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from available_now.db.engine import create_engine
from available_now.db.url import is_sqlite, sqlite_path, to_async_url

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# Any constant will do; it only has to be the same for every instance of this bot.
_PG_MIGRATION_LOCK_KEY = 0x41564E4F57  # "AVNOW"

MigrationAction = Callable[[Config], object]


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head


def all_revisions() -> list[str]:
    """Revision ids from the first to the head."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


async def upgrade(raw_url: str | URL, revision: str = "head") -> None:
    await _run(raw_url, lambda cfg: command.upgrade(cfg, revision))


async def downgrade(raw_url: str | URL, revision: str) -> None:
    await _run(raw_url, lambda cfg: command.downgrade(cfg, revision))


async def current_revision(raw_url: str | URL) -> str | None:
    url = raw_url if isinstance(raw_url, URL) else to_async_url(raw_url)
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_read_revision)
    finally:
        await engine.dispose()


def _read_revision(connection: Connection) -> str | None:
    """The revision, without Alembic's lines about its context: reading it changes nothing,
    and a command that only checks it should print its own answer alone."""
    alembic_log = logging.getLogger("alembic.runtime.migration")
    level = alembic_log.level
    alembic_log.setLevel(max(level, logging.WARNING))
    try:
        return MigrationContext.configure(connection).get_current_revision()
    finally:
        alembic_log.setLevel(level)


async def _run(raw_url: str | URL, action: MigrationAction) -> None:
    url = raw_url if isinstance(raw_url, URL) else to_async_url(raw_url)
    # On SQLite, Alembic's table rebuilds would otherwise fire ON DELETE CASCADE.
    engine = create_engine(url, pool_size=1, sqlite_foreign_keys=False)
    try:
        async with engine.connect() as connection, _migration_lock(connection, url):
            await connection.run_sync(_invoke, action)
            await connection.commit()
    finally:
        await engine.dispose()


def _invoke(connection: Connection, action: MigrationAction) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    action(config)


@contextlib.asynccontextmanager
async def _migration_lock(connection: AsyncConnection, url: URL) -> AsyncIterator[None]:
    """PostgreSQL: a session advisory lock. SQLite: an exclusive lock on a file beside the db."""
    if not is_sqlite(url):
        await connection.execute(
            text("SELECT pg_advisory_lock(:key)"), {"key": _PG_MIGRATION_LOCK_KEY}
        )
        await connection.commit()
        try:
            yield
        finally:
            await connection.rollback()
            await connection.execute(
                text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_MIGRATION_LOCK_KEY}
            )
            await connection.commit()
        return
    path = sqlite_path(url)
    if path is None:
        yield
        return
    lock_path = path.with_name(path.name + ".migrate.lock")
    with lock_path.open("a") as handle:
        await asyncio.to_thread(fcntl.flock, handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


async def autogenerate_revision(message: str) -> None:
    """Write a new revision holding the difference between the models and the newest schema.

    It compares against a scratch SQLite database brought to the head, so no real database is
    touched; review the generated file (especially for PostgreSQL-only types) before committing.
    """
    with tempfile.TemporaryDirectory() as scratch:
        url = to_async_url(f"sqlite:///{Path(scratch) / 'scratch.db'}")
        await upgrade(url)
        await _run(url, lambda cfg: command.revision(cfg, message=message, autogenerate=True))
