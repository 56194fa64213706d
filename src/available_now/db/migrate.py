"""Apply Alembic migrations safely, also when several instances start at the same moment.

Alembic (and Mako under it, about 11 MB) is imported only when a migration runs: the bot's
start-up reads the stored revision with one statement, and a database already at the newest
revision, the usual restart, never loads it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from available_now.db.engine import create_engine
from available_now.db.url import is_sqlite, sqlite_path, to_async_url

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSIONS_DIR = MIGRATIONS_DIR / "versions"

# Any constant will do; it only has to be the same for every instance of this bot.
_PG_MIGRATION_LOCK_KEY = 0x41564E4F57  # "AVNOW"

MigrationAction = Callable[["Config"], object]


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The head, from the file names alone: every revision is named after its file's number
    (`0010_listing_outbox.py` holds revision "0010") and follows the one before it, which
    `tests/db/test_migrations.py` checks against Alembic."""
    numbers = sorted(path.name[:4] for path in VERSIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py"))
    if not numbers:
        raise RuntimeError("no migrations found")
    return numbers[-1]


def all_revisions() -> list[str]:
    """Revision ids from the first to the head."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


async def bring_up_to_date(raw_url: str | URL) -> None:
    """What start-up runs: one read when the database is at the newest revision, the
    migrations (under the lock that several starting instances share) otherwise."""
    if await current_revision(raw_url) != head_revision():
        await upgrade(raw_url)


async def upgrade(raw_url: str | URL, revision: str = "head") -> None:
    from alembic import command

    await _run(raw_url, lambda cfg: command.upgrade(cfg, revision))


async def downgrade(raw_url: str | URL, revision: str) -> None:
    from alembic import command

    await _run(raw_url, lambda cfg: command.downgrade(cfg, revision))


async def current_revision(raw_url: str | URL) -> str | None:
    """The revision recorded in the database, read without Alembic; None when it has none."""
    url = raw_url if isinstance(raw_url, URL) else to_async_url(raw_url)
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as connection:
            try:
                result = await connection.execute(text("SELECT version_num FROM alembic_version"))
            except DBAPIError:  # no table yet: an empty database
                return None
            versions = result.scalars().all()
    finally:
        await engine.dispose()
    return versions[0] if len(versions) == 1 else None


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
    from alembic import command

    with tempfile.TemporaryDirectory() as scratch:
        url = to_async_url(f"sqlite:///{Path(scratch) / 'scratch.db'}")
        await upgrade(url)
        await _run(url, lambda cfg: command.revision(cfg, message=message, autogenerate=True))
