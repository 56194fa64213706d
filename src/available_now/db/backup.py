"""`available-now db backup`: one consistent, encrypted snapshot of every table, to a file.

Every table is read in one transaction, so the file shows the database at one instant even
while the bot keeps writing: `REPEATABLE READ, READ ONLY` on PostgreSQL, one deferred read
transaction on SQLite (in WAL mode its snapshot is fixed by the first read and never waits for
writers). Rows go through the models' tables, so each column's type decides how it is read,
including values the engine decrypts; they are kept only inside the encrypted file.

The file is written beside its destination under a temporary name, private (0600) from the
start, and renamed into place once complete: a failed or interrupted backup leaves no file that
looks like a backup.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import available_now.db.models  # noqa: F401  (defines the tables of Base.metadata)
from available_now.db.backup_format import (
    BackupError,
    FrameWriter,
    Manifest,
    RowBuffer,
    TableManifest,
    encode_value,
)
from available_now.db.base import Base
from available_now.db.encryption import DataCipher
from available_now.db.engine import READ_ONLY
from available_now.db.migrate import head_revision

STREAM_ROWS = 500
"""Rows fetched from the database at a time while streaming a table."""


class Progress(Protocol):
    """Told how many rows a stage will handle, then each batch as it is done."""

    def stage(self, label: str, total: int) -> None: ...

    def advance(self, rows: int) -> None: ...


class NoProgress:
    def stage(self, label: str, total: int) -> None:
        pass

    def advance(self, rows: int) -> None:
        pass


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    tables: int
    rows: int
    bytes: int


def backed_up_tables() -> list[Table]:
    """Every table of the models, parents before children; the revision lives in the manifest."""
    return list(Base.metadata.sorted_tables)


async def write_backup(
    engine: AsyncEngine,
    path: Path,
    cipher: DataCipher,
    *,
    progress: Progress | None = None,
    force: bool = False,
) -> BackupSummary:
    """Snapshot the database behind ``engine`` into ``path``, encrypted with ``cipher``."""
    progress = progress or NoProgress()
    _check_destination(path, force=force)
    with _private_temporary(path) as (temporary, file):
        writer = FrameWriter(file, cipher)
        async with _snapshot(engine) as connection:
            manifest = await _manifest(connection)
            progress.stage(f"backing up to {path.name}", manifest.total_rows)
            writer.write(manifest.to_json())
            for table in backed_up_tables():
                await _write_table(connection, table, writer, progress)
        writer.write({"kind": "end", "frames": writer.frames})
        size = _publish(file, temporary, path, force=force)
    return BackupSummary(
        path=path, tables=len(manifest.tables), rows=manifest.total_rows, bytes=size
    )


def _check_destination(path: Path, *, force: bool) -> None:
    """Fail before reading anything when the file could not be written anyway."""
    if path.exists() and not force:
        raise BackupError(f"{path} already exists (--force replaces it)")
    if not path.parent.is_dir():
        raise BackupError(f"the folder {path.parent} does not exist")


@contextlib.asynccontextmanager
async def _snapshot(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One read-only transaction whose reads all see the same instant."""
    if engine.dialect.name == "postgresql":
        reader = engine.execution_options(isolation_level="REPEATABLE READ")
    else:
        reader = engine.execution_options(**{READ_ONLY: True})
    async with reader.connect() as connection, connection.begin():
        if engine.dialect.name == "postgresql":
            await connection.execute(text("SET TRANSACTION READ ONLY"))
        yield connection


async def _manifest(connection: AsyncConnection) -> Manifest:
    revision = await connection.run_sync(_current_revision)
    head = head_revision()
    if revision is None:
        raise BackupError("the database has no Available Now schema: there is nothing to back up")
    if revision != head:
        raise BackupError(
            f"the database is at revision {revision} but this version's schema is {head}: "
            "run `available-now db upgrade` first, or back up with the version that matches it"
        )
    tables = []
    for table in backed_up_tables():
        rows = await connection.scalar(select(func.count()).select_from(table))
        tables.append(
            TableManifest(
                name=table.name, columns=[column.name for column in table.columns], rows=rows or 0
            )
        )
    return Manifest(
        revision=revision,
        created_at=datetime.now(UTC),
        dialect=connection.dialect.name,
        tables=tables,
    )


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def _write_table(
    connection: AsyncConnection, table: Table, writer: FrameWriter, progress: Progress
) -> None:
    """Stream one table in primary-key order into frames of bounded size."""
    buffer = RowBuffer(writer, table)
    columns = list(table.columns)
    query = select(table).order_by(*table.primary_key.columns)
    result = await connection.stream(query.execution_options(yield_per=STREAM_ROWS))
    async for partition in result.partitions(STREAM_ROWS):
        for row in partition:
            pairs = zip(columns, row, strict=True)
            buffer.add([encode_value(column, value) for column, value in pairs])
        progress.advance(len(partition))
    buffer.flush()


@contextlib.contextmanager
def _private_temporary(path: Path) -> Iterator[tuple[Path, BinaryIO]]:
    """A 0600 file beside ``path``, removed unless it was published."""
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as file:
            yield temporary, file
    finally:
        temporary.unlink(missing_ok=True)


def _publish(file: BinaryIO, temporary: Path, path: Path, *, force: bool) -> int:
    """Flush to disk, then give the file its name in one step; returns its size in bytes.

    Without ``force`` the name is taken with a hard link, which fails rather than replace a
    file that appeared meanwhile.
    """
    file.flush()
    os.fsync(file.fileno())
    size = os.fstat(file.fileno()).st_size
    if force:
        temporary.replace(path)
        return size
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise BackupError(f"{path} already exists (--force replaces it)") from None
    except OSError:  # a file system without hard links: check, then rename
        if path.exists():
            raise BackupError(f"{path} already exists (--force replaces it)") from None
        temporary.replace(path)
    return size
