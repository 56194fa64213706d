"""A new SQLite database, its write-ahead log and shared memory are readable by us alone."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from available_now.db import migrate
from available_now.db.engine import create_engine
from available_now.db.url import to_async_url


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """The common default, under which files are created readable by everyone (0644)."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("permissive_umask")
async def test_a_fresh_database_and_its_side_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "available_now.db"
    url = to_async_url(f"sqlite:///{path}")
    await migrate.upgrade(url)
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO users (id, username) VALUES (1, 'x')"))
        async with engine.connect() as connection:
            # Hold a connection open, so the write-ahead log and shared memory exist.
            await connection.execute(text("SELECT count(*) FROM users"))
            side_files = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
            assert all(side.exists() for side in side_files)
            for file in [path, *side_files]:
                assert _mode(file) == 0o600, f"{file.name} is {oct(_mode(file))}"
    finally:
        await engine.dispose()
    assert _mode(path.parent) == 0o700


@pytest.mark.usefixtures("permissive_umask")
async def test_an_existing_readable_file_is_reported_and_left_alone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "old.db"
    path.touch(mode=0o644)
    with caplog.at_level(logging.WARNING, logger="available_now.db.engine"):
        engine = create_engine(to_async_url(f"sqlite:///{path}"), pool_size=1)
        await engine.dispose()
    assert _mode(path) == 0o644
    assert "can be read by other users" in caplog.text
