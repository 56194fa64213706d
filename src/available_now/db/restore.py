"""`available-now db restore`: load a backup into an empty database of either kind.

Nothing is written until the whole file has been read once and found complete: its header,
every frame's authentication under the data key, the end mark and the row counts. Only then is
the target checked to be empty, brought to the backup's schema revision by the real
migrations, and filled in one transaction, parents before children; the row counts are
checked again before that transaction commits, so a failure part way leaves no rows behind.

Rows go in through the models' tables, so values the engine encrypts are encrypted again under
the target's newest key. PostgreSQL's sequences are then moved past the restored ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Integer, Table, false, func, insert, inspect, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from available_now.db import migrate
from available_now.db.backup import NoProgress, Progress, backed_up_tables
from available_now.db.backup_format import (
    BackupError,
    Manifest,
    RowFrame,
    decode_value,
    read_frames,
)
from available_now.db.encryption import DataCipher, key_file_for, load_cipher
from available_now.db.engine import READ_ONLY


@dataclass(frozen=True)
class RestoreSummary:
    path: Path
    tables: int
    rows: int
    revision: str
    source_dialect: str


def restore_cipher(keys: list[str], database_url: str) -> DataCipher:
    """The key to open a backup with: DATA_ENCRYPTION_KEY, or an existing SQLite key file.

    Unlike the bot, restore never generates a key: a new key could not open any backup.
    """
    key_file = key_file_for(database_url)
    if keys or (key_file is not None and key_file.exists()):
        return load_cipher(keys, database_url)
    raise BackupError(
        "DATA_ENCRYPTION_KEY is not set: set it to the data key the backup was made with"
    )


async def restore_backup(
    engine: AsyncEngine,
    path: Path,
    cipher: DataCipher,
    *,
    progress: Progress | None = None,
) -> RestoreSummary:
    """Fill the empty database behind ``engine`` with the backup in ``path``."""
    progress = progress or NoProgress()
    manifest = _verify(path, cipher, progress)
    revision = await _check_empty(engine)
    if revision != manifest.revision:
        await migrate.upgrade(engine.url, manifest.revision)
    progress.stage(f"restoring {path.name}", manifest.total_rows)
    async with engine.begin() as connection:
        for frame in read_frames(path, cipher):
            if isinstance(frame, RowFrame):
                await _insert(connection, frame)
                progress.advance(len(frame.rows))
        await _check_counts(connection, manifest, path)
        if connection.dialect.name == "postgresql":
            await _move_sequences(connection)
    return RestoreSummary(
        path=path,
        tables=len(manifest.tables),
        rows=manifest.total_rows,
        revision=manifest.revision,
        source_dialect=manifest.dialect,
    )


def _verify(path: Path, cipher: DataCipher, progress: Progress) -> Manifest:
    """Read the whole file once; it must open, be complete, and match this version's schema."""
    manifest: Manifest | None = None
    for frame in read_frames(path, cipher):
        if isinstance(frame, Manifest):
            manifest = frame
            _check_schema(manifest, path)
            progress.stage(f"checking {path.name}", manifest.total_rows)
        else:
            progress.advance(len(frame.rows))
    assert manifest is not None  # read_frames yields the manifest first or raises
    return manifest


def _check_schema(manifest: Manifest, path: Path) -> None:
    head = migrate.head_revision()
    if manifest.revision != head:
        raise BackupError(
            f"{path.name} was made at schema revision {manifest.revision} and this version's is "
            f"{head}: restore it with the version that made it, then upgrade that version"
        )
    expected = [
        (table.name, [column.name for column in table.columns]) for table in backed_up_tables()
    ]
    found = [(table.name, table.columns) for table in manifest.tables]
    if found != expected:
        raise BackupError(
            f"{path.name} holds different tables or columns than this version's schema"
        )


def _tables_by_name() -> dict[str, Table]:
    return {table.name: table for table in backed_up_tables()}


async def _check_empty(engine: AsyncEngine) -> str | None:
    """The target's revision, after making sure it holds no rows and no foreign tables."""
    reader = engine.execution_options(**{READ_ONLY: True})
    async with reader.connect() as connection:
        names, revision = await connection.run_sync(_tables_and_revision)
        if revision is None:
            if names:
                raise BackupError(
                    "restore needs an empty database: this one has tables but no Available Now "
                    f"schema ({', '.join(sorted(names)[:3])}…)"
                )
            return None
        if revision not in migrate.all_revisions():
            raise BackupError(
                f"restore needs an empty database: this one is at revision {revision}, "
                "which this version does not know"
            )
        for table in backed_up_tables():
            if table.name not in names:
                continue
            rows = await connection.scalar(select(func.count()).select_from(table))
            if rows:
                raise BackupError(
                    f"restore needs an empty database: table {table.name} already has "
                    f"{rows} row{'s' if rows != 1 else ''}"
                )
    return revision


def _tables_and_revision(connection: Connection) -> tuple[set[str], str | None]:
    names = set(inspect(connection).get_table_names())
    return names, MigrationContext.configure(connection).get_current_revision()


async def _insert(connection: AsyncConnection, frame: RowFrame) -> None:
    table = _tables_by_name()[frame.table]
    columns = list(table.columns)
    rows: list[dict[str, Any]] = []
    for row in frame.rows:
        if not isinstance(row, list) or len(row) != len(columns):
            raise BackupError(f"the backup is damaged: a row of {table.name} has the wrong shape")
        pairs = zip(columns, row, strict=True)
        rows.append({column.name: decode_value(column, value) for column, value in pairs})
    if rows:
        await connection.execute(insert(table), rows)


async def _check_counts(connection: AsyncConnection, manifest: Manifest, path: Path) -> None:
    tables = _tables_by_name()
    for entry in manifest.tables:
        rows = await connection.scalar(select(func.count()).select_from(tables[entry.name]))
        if rows != entry.rows:
            raise BackupError(
                f"table {entry.name} has {rows} rows after restoring {path.name}, which holds "
                f"{entry.rows}: nothing was restored (was the bot writing to it?)"
            )


async def _move_sequences(connection: AsyncConnection) -> None:
    """Set each serial id's sequence past the highest restored id, so new rows do not collide."""
    for table in backed_up_tables():
        column = table.autoincrement_column
        if column is None or not isinstance(column.type, Integer):
            continue
        sequence = func.pg_get_serial_sequence(table.name, column.name)
        await connection.execute(
            select(func.setval(sequence, func.coalesce(func.max(column), 0) + 1, false()))
        )
