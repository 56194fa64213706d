"""Shared fixtures: real PostgreSQL and SQLite databases, migrated by the real migrations.

PostgreSQL comes from `TEST_DATABASE_URL` when set, otherwise from a throwaway server started
with the `pgserver` package. Under `CI=true` a missing PostgreSQL fails the run instead of
skipping it.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
import threading
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

# First, as in the bot: aiogram's types are then built on first use in the tests too, as they
# are in production, and every worker's collection does not wait for all of them to build.
import available_now.bot  # noqa: F401
from available_now.db import migrate
from available_now.db.base import Base
from available_now.db.database import Database
from available_now.db.engine import create_engine, create_session_factory
from available_now.db.url import to_async_url

from .data_key import TEST_CIPHER

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases]:
    """Creates test databases on a real PostgreSQL server; drops them when the session ends."""
    configured = os.environ.get("TEST_DATABASE_URL")
    server = None
    if configured:
        server_url = configured
    else:
        server = _start_pgserver()
        server_url = server.get_uri()
    databases = PostgresDatabases(to_async_url(server_url))
    try:
        yield databases
    finally:
        # Sync teardown: run the async clean-up on a loop of its own.
        worker = threading.Thread(target=asyncio.run, args=(databases.drop_all(),))
        worker.start()
        worker.join()
        if server is not None:
            server.cleanup()


def _start_pgserver() -> Any:
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset, as on most servers and in CI.
            warnings.simplefilter("ignore")
            import pgserver

            data_dir = tempfile.mkdtemp(prefix="available-now-pg-")
            server = pgserver.get_server(data_dir, cleanup_mode="delete")
    except Exception as error:  # pragma: no cover - depends on the machine
        if _in_ci():
            pytest.fail(f"CI needs PostgreSQL and none could be started: {error}")
        pytest.skip(f"no PostgreSQL (set TEST_DATABASE_URL or install pgserver): {error}")
    # A throwaway server keeps nothing after the run: it need not wait for the disk.
    server.psql(
        "ALTER SYSTEM SET fsync = off; ALTER SYSTEM SET synchronous_commit = off;"
        " ALTER SYSTEM SET full_page_writes = off; SELECT pg_reload_conf();"
    )
    return server


def _asyncpg_dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class PostgresDatabases:
    """Creates uniquely named databases on the server and drops them at the end."""

    def __init__(self, server_url: URL) -> None:
        self._server_url = server_url
        self._created: list[str] = []

    async def create(self) -> URL:
        name = f"available_now_test_{secrets.token_hex(4)}"
        connection = await asyncpg.connect(_asyncpg_dsn(self._server_url))
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        self._created.append(name)
        return self._server_url.set(database=name)

    async def drop_all(self) -> None:
        if not self._created:
            return
        connection = await asyncpg.connect(_asyncpg_dsn(self._server_url))
        try:
            for name in self._created:
                await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()


async def new_database_url(backend: str, request: pytest.FixtureRequest, directory: Path) -> URL:
    """An empty database of `backend`: a file in `directory`, or a new PostgreSQL database."""
    if backend == "sqlite":
        return to_async_url(f"sqlite:///{directory / f'{secrets.token_hex(4)}.db'}")
    databases: PostgresDatabases = request.getfixturevalue("postgres")
    return await databases.create()


@pytest.fixture
async def empty_database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> URL:
    """A brand-new, empty database of each backend."""
    return await new_database_url(backend, request, tmp_path)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


_migrated_urls: dict[str, URL] = {}


@pytest.fixture
async def database_url(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[URL]:
    """A migrated database shared by the session's tests of one backend, emptied after each."""
    url = _migrated_urls.get(backend)
    if url is None:
        url = await new_database_url(backend, request, tmp_path_factory.mktemp("db"))
        await migrate.upgrade(url)
        _migrated_urls[backend] = url
    yield url
    await _empty_tables(url)


async def _empty_tables(url: URL) -> None:
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.begin() as connection:
            tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
            if engine.dialect.name == "postgresql":
                await connection.execute(
                    text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
                )
            else:
                for table in tables:
                    await connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608
    finally:
        await engine.dispose()


@pytest.fixture
async def engine(database_url: URL) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, cipher=TEST_CIPHER)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


@pytest.fixture
def db(engine: AsyncEngine) -> Database:
    return Database(engine)


@pytest.fixture
async def session(
    session_factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    async with session_factory() as session:
        yield session


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots",
        metavar="DIR",
        default=None,
        help="Save the browser tests' screenshots in DIR (by default under pytest's tmp).",
    )


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis server for the tests of several instances: `TEST_REDIS_URL`, or the local one.

    Tests keep apart by giving each bot its own id (every key the bot writes carries it).
    """
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    from redis import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except RedisError as error:
        pytest.skip(f"no Redis at TEST_REDIS_URL ({error.__class__.__name__})")
    finally:
        client.close()
    return url
