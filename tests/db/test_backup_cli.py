"""`available-now db backup` and `db restore` as an operator runs them, in a real process.

The source is an embedded SQLite database that never had a key set, so the backup uses the key
file beside it; the operator then gives that key to the target as DATA_ENCRYPTION_KEY: the move
from SQLite to PostgreSQL that docs/operations.md describes.
"""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from available_now.db import migrate
from available_now.db.encryption import generate_key
from available_now.db.url import to_async_url
from tests.cli import run_cli
from tests.conftest import new_database_url
from tests.data_key import TEST_KEY
from tests.db.backup_data import AUDIT_ROWS, populate, snapshot_of, table_names


async def cli(
    workdir: Path, database: URL | str, *args: str, key: str | None = None
) -> tuple[int, str, str]:
    url = database if isinstance(database, str) else database.render_as_string(False)
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TELEGRAM_", "DATABASE_", "DATA_", "LOG_"))
    }
    env["DATABASE_URL"] = url
    if key is not None:
        env["DATA_ENCRYPTION_KEY"] = key
    return await run_cli(workdir, env, *args, timeout=120)


def one_error(stderr: str) -> str:
    """The single `error:` line a refused command prints, without its prefix."""
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, stderr
    return errors[0].removeprefix("error: ")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _write(path: Path, content: str) -> None:
    path.write_text(content, encoding="utf-8")


def _files(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def _read_key(path: Path) -> str:
    return path.read_text(encoding="ascii").strip()


@pytest.mark.postgres
async def test_moving_from_sqlite_to_postgresql_from_the_command_line(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The steps of docs/operations.md; restoring into SQLite is the same code, tested beside."""
    target = await new_database_url("postgres", request, tmp_path)
    source_path = tmp_path / "bot.db"
    source = to_async_url(f"sqlite:///{source_path}")
    # The key file the bot generated on its first run without DATA_ENCRYPTION_KEY.
    key_file = source_path.with_name("bot.db.key")
    key_file.write_text(TEST_KEY + "\n", encoding="ascii")
    key_file.chmod(0o600)
    await populate(source)
    original = await snapshot_of(source)
    rows = sum(map(len, original.values()))
    backup = tmp_path / "bot.backup"

    code, stdout, stderr = await cli(tmp_path, source, "db", "backup", "bot.backup")
    assert code == 0, stderr
    assert stdout.startswith(f"backed up {len(original)} tables, {rows} rows (")
    assert stdout.rstrip().endswith(") to bot.backup")
    assert "backing up to bot.backup" in stderr  # the progress bar
    assert _mode(backup) == 0o600
    key = _read_key(source_path.with_name("bot.db.key"))

    # Refusals change nothing, so they may as well run side by side.
    _write(tmp_path / "notes.txt", "not a backup\n")
    again, wrong_key, foreign = await asyncio.gather(
        cli(tmp_path, source, "db", "backup", "bot.backup"),
        cli(tmp_path, target, "db", "restore", "bot.backup", key=generate_key()),
        cli(tmp_path, target, "db", "restore", "notes.txt", key=key),
    )
    assert [again[0], wrong_key[0], foreign[0]] == [2, 2, 2]
    assert one_error(again[2]) == "bot.backup already exists (--force replaces it)"
    assert one_error(wrong_key[2]) == (
        "bot.backup cannot be decrypted with DATA_ENCRYPTION_KEY: it was made with another "
        "data key (or the file is damaged)"
    )
    assert one_error(foreign[2]) == "notes.txt is not an Available Now backup"
    assert await table_names(target) == set()

    code, stdout, stderr = await cli(tmp_path, target, "db", "restore", "bot.backup", key=key)
    assert code == 0, stderr
    assert "checking bot.backup" in stderr
    assert "restoring bot.backup" in stderr
    assert stdout.strip() == (
        f"restored {len(original)} tables, {rows} rows from bot.backup "
        f"(a sqlite backup at revision {migrate.head_revision()})"
    )
    assert await snapshot_of(target) == original

    code, _, stderr = await cli(tmp_path, target, "db", "restore", "bot.backup", key=key)
    assert code == 2
    assert one_error(stderr) == (
        f"restore needs an empty database: table audit_log already has {AUDIT_ROWS} rows"
    )


async def test_commands_on_a_database_whose_key_file_is_missing_make_no_new_key(
    tmp_path: Path,
) -> None:
    """A new key would open nothing stored, and would be taken for hers by the next start."""
    source = to_async_url(f"sqlite:///{tmp_path / 'bot.db'}")
    await migrate.upgrade(source)
    before = _files(tmp_path)

    backup, rotate, erase = await asyncio.gather(
        cli(tmp_path, source, "db", "backup", "bot.backup"),
        cli(tmp_path, source, "keys", "rotate"),
        cli(tmp_path, source, "erase", "1", "--yes"),
    )
    for code, _, stderr in (backup, rotate):
        assert code == 2
        assert one_error(stderr) == (
            f"DATA_ENCRYPTION_KEY is not set and there is no key file {tmp_path / 'bot.db.key'}: "
            "set DATA_ENCRYPTION_KEY to the database's key, or put its key file back"
        )
    # Erasing needs no key (docs/deletion.md), and makes none either.
    assert erase[:2] == (0, "No user 1 is known to the bot; nothing was changed.\n")
    assert _files(tmp_path) == before


async def test_a_backup_of_a_database_that_is_not_there_creates_none(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    code, _, stderr = await cli(tmp_path, f"sqlite:///{missing}", "db", "backup", "b")
    assert code == 2
    assert one_error(stderr) == f"there is no database at {missing}: check DATABASE_URL"
    assert _files(tmp_path) == []
