"""Migrations: the stairway, agreement with the models, and concurrent start-up."""

from __future__ import annotations

import asyncio
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import URL, Connection

from available_now.db import migrate
from available_now.db.base import Base
from available_now.db.engine import create_engine


async def _table_names(url: URL) -> set[str]:
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda conn: inspect(conn).get_table_names())
    finally:
        await engine.dispose()
    return set(names) - {"alembic_version"}


async def test_stairway_upgrades_downgrades_and_reupgrades_every_revision(
    empty_database_url: URL,
) -> None:
    revisions = migrate.all_revisions()
    assert revisions, "no migrations found"
    previous = "base"
    for revision in revisions:
        await migrate.upgrade(empty_database_url, revision)
        assert await migrate.current_revision(empty_database_url) == revision
        await migrate.downgrade(empty_database_url, previous)
        assert await migrate.current_revision(empty_database_url) == (
            None if previous == "base" else previous
        )
        await migrate.upgrade(empty_database_url, revision)
        previous = revision
    assert await _table_names(empty_database_url) == set(Base.metadata.tables)
    await migrate.downgrade(empty_database_url, "base")
    assert await _table_names(empty_database_url) == set()


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_models_and_migrations_agree(empty_database_url: URL) -> None:
    await migrate.upgrade(empty_database_url)
    engine = create_engine(empty_database_url, pool_size=1)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()
    assert differences == []


async def test_two_instances_upgrading_at_once_both_succeed(empty_database_url: URL) -> None:
    await asyncio.gather(migrate.upgrade(empty_database_url), migrate.upgrade(empty_database_url))
    assert await migrate.current_revision(empty_database_url) == migrate.head_revision()
    assert await _table_names(empty_database_url) == set(Base.metadata.tables)


def test_the_head_read_from_file_names_is_alembics_head() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.head_revision() == script.get_current_head()
    numbers = [path.name[:4] for path in sorted(migrate.VERSIONS_DIR.glob("[0-9]*_*.py"))]
    assert numbers == migrate.all_revisions()  # each file holds the revision of its number


async def test_start_up_migrates_an_empty_database_and_leaves_a_current_one_alone(
    empty_database_url: URL,
) -> None:
    await migrate.bring_up_to_date(empty_database_url)
    assert await migrate.current_revision(empty_database_url) == migrate.head_revision()
    await migrate.bring_up_to_date(empty_database_url)
    assert await _table_names(empty_database_url) == set(Base.metadata.tables)


@pytest.mark.parametrize("backend", ["sqlite"])  # a fresh interpreter: one backend is enough
async def test_a_current_database_is_checked_without_loading_alembic(database_url: URL) -> None:
    """Start-up on a database at the newest revision keeps Alembic (and Mako) out of the
    serving process: about 11 MB of its idle footprint."""
    script = (
        "import asyncio, sys\n"
        "from available_now.bot import runner\n"
        "from available_now.db import migrate\n"
        f"asyncio.run(migrate.bring_up_to_date({database_url.render_as_string(False)!r}))\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'alembic', 'mako'}))\n"
    )
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, stdout=asyncio.subprocess.PIPE
    )
    output, _ = await asyncio.wait_for(child.communicate(), timeout=120)
    assert child.returncode == 0
    assert output.decode().strip() == "[]"
