"""Backups that restore: SQLite to PostgreSQL and back, row for row, and every bad input refused.

A bad input (a wrong key, a foreign, damaged or truncated file, a database that is not empty)
is one sentence and leaves the target exactly as it was.
"""

from __future__ import annotations

import secrets
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection

from available_now.db import backup, backup_format, migrate
from available_now.db.backup import BackupSummary, write_backup
from available_now.db.backup_format import BackupError, FrameWriter, Manifest, read_frames
from available_now.db.encryption import DataCipher, generate_key
from available_now.db.engine import create_engine
from available_now.db.models import AuditLog, Listing, Profile, User
from available_now.db.restore import RestoreSummary, restore_backup, restore_cipher
from available_now.db.url import to_async_url
from tests.conftest import new_database_url
from tests.data_key import TEST_CIPHER
from tests.db.backup_data import (
    AUDIT_ROWS,
    LOCATION,
    MODEL_ID,
    PHONE,
    T0,
    populate,
    snapshot_of,
    table_names,
)

KEY = generate_key()


@pytest.fixture
def cipher() -> DataCipher:
    return DataCipher([KEY])


@pytest.fixture
async def source(tmp_path: Path) -> URL:
    """A populated SQLite database."""
    url = sqlite_url(tmp_path)
    await populate(url)
    return url


@pytest.fixture
async def backup_file(source: URL, tmp_path: Path, cipher: DataCipher) -> Path:
    path = tmp_path / "available_now.backup"
    await backup_to(source, path, cipher)
    return path


def sqlite_url(folder: Path) -> URL:
    return to_async_url(f"sqlite:///{folder / f'{secrets.token_hex(4)}.db'}")


async def backup_to(url: URL, path: Path, cipher: DataCipher, **options: bool) -> BackupSummary:
    engine = create_engine(url, pool_size=2, cipher=TEST_CIPHER)
    try:
        return await write_backup(engine, path, cipher, **options)
    finally:
        await engine.dispose()


async def restore_into(url: URL, path: Path, cipher: DataCipher) -> RestoreSummary:
    engine = create_engine(url, pool_size=2, cipher=TEST_CIPHER)
    try:
        return await restore_backup(engine, path, cipher)
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_sqlite_to_postgresql_and_back_row_for_row(
    source: URL,
    tmp_path: Path,
    cipher: DataCipher,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Small frames, so every table spans several and the reader stitches them back together.
    monkeypatch.setattr(backup_format, "FRAME_BYTES", 4096)
    original = await snapshot_of(source)
    assert all(original.values()), "every table has rows"

    first = tmp_path / "from-sqlite.backup"
    made = await backup_to(source, first, cipher)
    assert (made.tables, made.rows) == (len(original), sum(map(len, original.values())))
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    content = first.read_bytes()
    for secret in (PHONE, LOCATION, "zoe@example.org", "Zoë", "listing.published"):
        assert secret.encode() not in content

    postgres = await new_database_url("postgres", request, tmp_path)
    restored = await restore_into(postgres, first, cipher)
    assert (restored.rows, restored.source_dialect) == (made.rows, "sqlite")
    assert await snapshot_of(postgres) == original

    # The sequences moved past the restored ids: new rows get fresh ones.
    engine = create_engine(postgres, pool_size=1, cipher=TEST_CIPHER)
    try:
        async with engine.begin() as connection:
            audit_id = await connection.scalar(
                insert(AuditLog.__table__)
                .values(action="backup.test", details={}, created_at=T0)
                .returning(AuditLog.__table__.c.id)
            )
            listing_id = await connection.scalar(
                insert(Listing.__table__)
                .values(user_id=MODEL_ID, profile_id=7, group_id=-1, expires_at=T0)
                .returning(Listing.__table__.c.id)
            )
        assert audit_id == AUDIT_ROWS + 1
        assert listing_id == 42
        async with engine.begin() as connection:
            await connection.execute(
                AuditLog.__table__.delete().where(AuditLog.__table__.c.id == audit_id)
            )
            await connection.execute(
                Listing.__table__.delete().where(Listing.__table__.c.id == listing_id)
            )
    finally:
        await engine.dispose()

    second = tmp_path / "from-postgres.backup"
    await backup_to(postgres, second, cipher)
    back = await new_database_url("sqlite", request, tmp_path)
    restored = await restore_into(back, second, cipher)
    assert restored.source_dialect == "postgresql"
    assert await snapshot_of(back) == original


async def test_a_backup_is_one_instant_while_the_bot_keeps_writing(
    database_url: URL, tmp_path: Path, cipher: DataCipher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows committed after the backup began are in none of its tables, on both backends."""
    await populate(database_url)
    before = await snapshot_of(database_url)
    writer = create_engine(database_url, pool_size=1, cipher=TEST_CIPHER)
    stream_table = backup._write_table
    written: list[object] = []

    async def write_meanwhile(connection: AsyncConnection, table: object, *args: object) -> None:
        async with writer.begin() as other:
            await other.execute(
                insert(AuditLog.__table__).values(action="meanwhile", details={}, created_at=T0)
            )
            await other.execute(insert(User.__table__).values(id=1000 + len(written)))
        written.append(table)
        await stream_table(connection, table, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(backup, "_write_table", write_meanwhile)
    path = tmp_path / "snapshot.backup"
    try:
        await backup_to(database_url, path, cipher)
    finally:
        await writer.dispose()

    assert len(written) == len(before)
    manifest = next(iter(read_frames(path, cipher)))
    assert isinstance(manifest, Manifest)
    counts = {table.name: table.rows for table in manifest.tables}
    assert counts == {name: len(rows) for name, rows in before.items()}
    target = sqlite_url(tmp_path)
    await restore_into(target, path, cipher)
    assert await snapshot_of(target) == before


async def test_a_wrong_key_is_one_sentence_and_the_target_stays_empty(
    backup_file: Path, empty_database_url: URL
) -> None:
    with pytest.raises(BackupError) as caught:
        await restore_into(empty_database_url, backup_file, DataCipher([generate_key()]))
    assert str(caught.value) == (
        "available_now.backup cannot be decrypted with DATA_ENCRYPTION_KEY: it was made with "
        "another data key (or the file is damaged)"
    )
    assert await table_names(empty_database_url) == set()


async def test_a_wrong_key_file_is_named_as_the_key_it_tried(
    backup_file: Path, tmp_path: Path
) -> None:
    target = tmp_path / "target.db"
    key_file = _key_file_beside(target, generate_key())
    cipher = restore_cipher([], f"sqlite:///{target}")
    with pytest.raises(BackupError) as caught:
        await restore_into(to_async_url(f"sqlite:///{target}"), backup_file, cipher)
    assert str(caught.value) == (
        f"available_now.backup cannot be decrypted with the key file {key_file}: it was made "
        "with another data key (or the file is damaged)"
    )


def _key_file_beside(database: Path, key: str) -> Path:
    key_file = database.with_name(database.name + ".key")
    key_file.write_text(key + "\n", encoding="ascii")
    return key_file


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"id,name\n1,Zoe\n",
        b"",
    ],
    ids=["png", "csv", "empty"],
)
async def test_a_foreign_file_is_not_a_backup(
    content: bytes, tmp_path: Path, empty_database_url: URL, cipher: DataCipher
) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(content)
    with pytest.raises(BackupError, match=r"^photo\.png is not an Available Now backup$"):
        await restore_into(empty_database_url, path, cipher)
    assert await table_names(empty_database_url) == set()


@pytest.mark.parametrize("cut", [1, 100, 5000])
async def test_a_truncated_backup_changes_nothing(
    cut: int, backup_file: Path, empty_database_url: URL, cipher: DataCipher
) -> None:
    _cut(backup_file, cut)
    with pytest.raises(BackupError, match=r"^available_now\.backup is truncated: it ends "):
        await restore_into(empty_database_url, backup_file, cipher)
    assert await table_names(empty_database_url) == set()


async def test_a_changed_byte_changes_nothing(
    backup_file: Path, empty_database_url: URL, cipher: DataCipher
) -> None:
    _flip_a_bit(backup_file)
    with pytest.raises(BackupError, match=r"^available_now\.backup is damaged: "):
        await restore_into(empty_database_url, backup_file, cipher)
    assert await table_names(empty_database_url) == set()


async def test_restoring_into_a_database_with_rows_changes_nothing(
    backup_file: Path, database_url: URL, cipher: DataCipher
) -> None:
    engine = create_engine(database_url, pool_size=1, cipher=TEST_CIPHER)
    try:
        async with engine.begin() as connection:
            await connection.execute(insert(User.__table__).values(id=42, first_name="Kept"))
        with pytest.raises(BackupError) as caught:
            await restore_backup(engine, backup_file, cipher)
        assert str(caught.value) == (
            "restore needs an empty database: table users already has 1 row"
        )
        async with engine.connect() as connection:
            assert await _count(connection, User) == 1
            assert await _count(connection, Profile) == 0
    finally:
        await engine.dispose()


async def test_an_empty_migrated_database_is_a_fine_target(
    backup_file: Path, database_url: URL, cipher: DataCipher, source: URL
) -> None:
    summary = await restore_into(database_url, backup_file, cipher)
    assert summary.rows > AUDIT_ROWS
    assert await snapshot_of(database_url) == await snapshot_of(source)


async def test_a_backup_of_another_schema_revision_is_refused(
    tmp_path: Path, empty_database_url: URL, cipher: DataCipher
) -> None:
    path = tmp_path / "old.backup"
    with path.open("wb") as file:
        writer = FrameWriter(file, cipher)
        writer.write(Manifest("0006", T0, "sqlite", []).to_json())
        writer.write({"kind": "end", "frames": writer.frames})
    with pytest.raises(BackupError) as caught:
        await restore_into(empty_database_url, path, cipher)
    assert str(caught.value) == (
        f"old.backup was made at schema revision 0006 and this version's is "
        f"{migrate.head_revision()}: restore it with the version that made it, then upgrade "
        "that version"
    )
    assert await table_names(empty_database_url) == set()


async def test_a_backup_never_overwrites_a_file_unless_forced(
    source: URL, tmp_path: Path, cipher: DataCipher
) -> None:
    path = tmp_path / "existing.backup"
    path.write_bytes(b"precious")
    with pytest.raises(BackupError, match=r"existing\.backup already exists \(--force replaces"):
        await backup_to(source, path, cipher)
    assert path.read_bytes() == b"precious"
    await backup_to(source, path, cipher, force=True)
    assert path.read_bytes().startswith(b"AVAILABLE-NOW-BACKUP 1\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []


async def test_a_database_behind_the_code_is_not_backed_up(
    tmp_path: Path, cipher: DataCipher
) -> None:
    url = sqlite_url(tmp_path)
    await migrate.upgrade(url, "0006")
    with pytest.raises(BackupError, match=r"^the database is at revision 0006 but this version"):
        await backup_to(url, tmp_path / "behind.backup", cipher)
    assert not (tmp_path / "behind.backup").exists()
    assert _leftovers(tmp_path) == []


def test_restore_never_makes_up_a_key(tmp_path: Path) -> None:
    """A generated key could open no backup; restore asks for the one the backup was made with."""
    expected = "DATA_ENCRYPTION_KEY is not set: set it to the data key the backup was made with"
    for url in (f"sqlite:///{tmp_path / 'new.db'}", "postgresql://bot@db.internal/available_now"):
        with pytest.raises(BackupError, match=f"^{expected}$"):
            restore_cipher([], url)
    assert list(tmp_path.iterdir()) == []
    assert (
        restore_cipher([KEY], "postgresql://bot@db/x").decrypt_bytes(
            DataCipher([KEY]).encrypt_bytes(b"ok")
        )
        == b"ok"
    )


def _cut(path: Path, count: int) -> None:
    path.write_bytes(path.read_bytes()[:-count])


def _flip_a_bit(path: Path) -> None:
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0x01
    path.write_bytes(bytes(content))


def _leftovers(folder: Path) -> list[Path]:
    return list(folder.glob("*.partial"))


async def _count(connection: AsyncConnection, model: type[object]) -> int:
    table = model.__table__  # type: ignore[attr-defined]
    return int(await connection.scalar(select(func.count()).select_from(table)) or 0)
